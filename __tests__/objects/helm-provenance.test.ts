/** Provenance source maps: a rendered field points at the values line that set it, else at the template line. */
import { describe, expect, test } from '@jest/globals';
import { objectsFromRenderedTemplate, type ValuesSource } from '../../src/objects/helm-provenance.js';
import { parseYaml } from '../../src/objects/yaml-source.js';
import { fromJS, Template, type ProvenanceSegment } from '../../src/render/gotemplate/index.js';

const template = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          securityContext:
            privileged: {{ .Values.securityContext.privileged }}
            runAsUser: 1000
      {{- with .Values.podSecurity }}
      securityContext:
        runAsNonRoot: {{ .runAsNonRoot }}
      {{- end }}
`;
const valuesText = `image:
  repository: nginx
  tag: "1.25"
securityContext:
  privileged: false
podSecurity:
  runAsNonRoot: false
`;
const prodText = `image:
  tag: latest
securityContext:
  privileged: true
`;

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && v && !Array.isArray(v) && typeof prev === 'object' && prev ? merge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

function render() {
  const sources: ValuesSource[] = [
    { file: 'charts/web/values.yaml', sourceMap: parseYaml(valuesText, 'charts/web/values.yaml').documents[0].sourceMap },
    { file: 'charts/web/values-prod.yaml', sourceMap: parseYaml(prodText, 'charts/web/values-prod.yaml').documents[0].sourceMap }
  ];
  const values = merge(parseYaml(valuesText, 'v').documents[0].value as Record<string, unknown>, parseYaml(prodText, 'p').documents[0].value as Record<string, unknown>);
  const t = new Template('web/templates/deployment.yaml').parse(template);
  const { output, segments } = t.executeWithProvenance(fromJS({ Values: values, Release: { Name: 'web' } }));
  return objectsFromRenderedTemplate(
    { source: 'web/templates/deployment.yaml', content: output, segments },
    {
      target: 'helm:charts/web@prod',
      templateFile: (s) => (s.startsWith('web/') ? `charts/web/${s.slice(4)}` : undefined),
      values,
      valuesSources: sources,
      fallback: { file: 'charts/web/Chart.yaml', line: 1 }
    }
  );
}

describe('Helm provenance source maps', () => {
  const { objects, errors } = render();
  const deployment = objects[0];
  const container = ['spec', 'template', 'spec', 'containers', 0];

  test('renders one object', () => {
    expect(errors).toEqual([]);
    expect(deployment).toMatchObject({ kind: 'Deployment', name: 'web', target: 'helm:charts/web@prod' });
  });

  test('a value set by the environment values file points at that file, with the template line related', () => {
    const located = deployment.sourceMap.locate([...container, 'securityContext', 'privileged']);
    expect(located.location).toMatchObject({ file: 'charts/web/values-prod.yaml', line: 4 });
    expect(located.related).toEqual([{ file: 'charts/web/templates/deployment.yaml', line: 12, label: 'template' }]);
  });

  test('an image built from two values points at the tag line of the file that set it', () => {
    expect(deployment.sourceMap.locate([...container, 'image']).location).toMatchObject({ file: 'charts/web/values-prod.yaml', line: 2 });
  });

  test('a value only the chart defaults set points at the chart values file', () => {
    expect(deployment.sourceMap.locate(['spec', 'template', 'spec', 'securityContext', 'runAsNonRoot']).location).toMatchObject({ file: 'charts/web/values.yaml', line: 7 });
  });

  test('a literal in the template points at the template line', () => {
    const located = deployment.sourceMap.locate([...container, 'securityContext', 'runAsUser']);
    expect(located.location).toEqual({ file: 'charts/web/templates/deployment.yaml', line: 13 });
    expect(located.related).toEqual([]);
  });

  test('a missing field lands on the template line of its nearest parent', () => {
    const located = deployment.sourceMap.locate([...container, 'resources', 'limits']);
    expect(located.foundPath).toEqual(container);
    expect(located.location).toEqual({ file: 'charts/web/templates/deployment.yaml', line: 9 });
  });
});

/** Renders `charts/<chart>/templates/<name>` with the values text as the chart's values.yaml, mapped through provenance. */
function renderOne(chart: string, name: string, tpl: string, valuesText: string) {
  const values = parseYaml(valuesText, 'v').documents[0].value as Record<string, unknown>;
  const source = `${chart}/templates/${name}`;
  const { output, segments } = new Template(source).parse(tpl).executeWithProvenance(fromJS({ Values: values }));
  const { objects } = objectsFromRenderedTemplate(
    { source, content: output, segments },
    {
      target: 't',
      templateFile: (s) => `charts/${s}`,
      values,
      valuesSources: [{ file: `charts/${chart}/values.yaml`, sourceMap: parseYaml(valuesText, `charts/${chart}/values.yaml`).documents[0].sourceMap }],
      fallback: { file: `charts/${chart}/Chart.yaml`, line: 1 }
    }
  );
  return { output, objects };
}

describe('provenance over many fields', () => {
  test('volatile fields are found in a wide mapping, through aliases too', () => {
    let content = '';
    const segments: ProvenanceSegment[] = [];
    const write = (text: string, volatile = false) => {
      segments.push({ start: content.length, end: content.length + text.length, template: 't', source: 't', line: 1, kind: volatile ? 'action' : 'text', ...(volatile ? { volatile: true as const } : {}) });
      content += text;
    };
    write('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\ndata:\n');
    for (let i = 0; i < 3000; i++) {
      write(`  k${i}: `);
      write(`v${i}`, i === 1500);
      write('\n');
    }
    write('  anchored: &a\n    token: ');
    write('random', true);
    write('\n  copy: *a\n');
    const { objects, errors } = objectsFromRenderedTemplate(
      { source: 't', content, segments },
      { target: 't', templateFile: () => undefined, values: {}, valuesSources: [], fallback: { file: 'Chart.yaml', line: 1 } }
    );
    expect(errors).toEqual([]);
    expect(objects[0].volatilePaths).toEqual([
      ['data', 'k1500'],
      ['data', 'anchored', 'token'],
      ['data', 'copy', 'token']
    ]);
  });

  test('a value printed without a values chain points at the values line with the longest matching key path, the first on a tie', () => {
    const valuesText = 'a:\n  name: x\nb:\n  c:\n    name: x\nlist:\n  - name: x\n';
    const tpl = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\nspec:\n  c:\n    {{- with .Values.b.c }}\n    name: {{ .name }}\n    {{- end }}\n  d:\n    name: {{ "x" }}\n';
    const { objects } = renderOne('c', 'cm.yaml', tpl, valuesText);
    expect(objects[0].sourceMap.locate(['spec', 'c', 'name']).location).toMatchObject({ file: 'charts/c/values.yaml', line: 5 });
    expect(objects[0].sourceMap.locate(['spec', 'd', 'name']).location).toMatchObject({ file: 'charts/c/values.yaml', line: 2 });
  });
});

describe('fields dropped by a false condition', () => {
  const tpl = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: x
      {{- if .Values.container.enabled }}
      securityContext:
        runAsNonRoot: true
      {{- end }}
  {{- if .Values.pod.enabled }}
  securityContext:
    runAsNonRoot: true
  {{- end }}
  dnsConfig:
    {{- with .Values.dns }}
    options: {{ . }}
    {{- end }}
  {{- if not .Values.hostNetwork }}
  hostNetwork: false
  {{- end }}
  restartPolicy: Always
`;
  const valuesText = 'container:\n  enabled: false\npod:\n  enabled: false\ndns: {}\nhostNetwork: false\n';
  const { output, objects } = renderOne('p', 'pod.yaml', tpl, valuesText);
  const pod = objects[0];

  test('two toggles skipped at the same place: the one indented as the missing field wins', () => {
    expect(output).toContain('      image: x\n  dnsConfig:\n  hostNetwork: false\n');
    expect(pod.sourceMap.locate(['spec', 'securityContext', 'runAsNonRoot'])).toEqual({
      location: { file: 'charts/p/values.yaml', line: 4, column: 3 },
      related: [{ file: 'charts/p/templates/pod.yaml', line: 13, label: 'condition' }],
      foundPath: ['spec']
    });
    expect(pod.sourceMap.locate(['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'])).toEqual({
      location: { file: 'charts/p/values.yaml', line: 2, column: 3 },
      related: [{ file: 'charts/p/templates/pod.yaml', line: 9, label: 'condition' }],
      foundPath: ['spec', 'containers', 0]
    });
  });

  test('a `with` over an empty value leaves its key empty: the field lands on the value the `with` read', () => {
    expect(pod.sourceMap.locate(['spec', 'dnsConfig', 'options']).location).toEqual({ file: 'charts/p/values.yaml', line: 5, column: 1 });
  });

  test('a condition that was true skipped nothing; a missing field no branch writes stays on its parent line', () => {
    expect(pod.sourceMap.locate(['spec', 'hostNetwork']).location).toEqual({ file: 'charts/p/templates/pod.yaml', line: 22 });
    expect(pod.sourceMap.locate(['spec', 'serviceAccountName'])).toEqual({ location: { file: 'charts/p/templates/pod.yaml', line: 5 }, related: [], foundPath: ['spec'] });
  });
});
