/**
 * Validation against Kubernetes' own schemas (schemas/kubernetes/openapi.json): what each kind of refusal reports,
 * at which path, for which version.
 */
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { kindsOf, schemaMinors, validateAgainstKubernetes, type SchemaVerdict } from '../../src/rules/kubernetes-openapi.js';

function check(yaml: string, minor = 35): SchemaVerdict {
  const body = parse(yaml) as { apiVersion: string; kind: string };
  return validateAgainstKubernetes(body.apiVersion, body.kind, body, minor);
}

function problems(yaml: string, minor = 35): [string, string][] {
  const verdict = check(yaml, minor);
  if (verdict.status !== 'checked') throw new Error(`not checked: ${JSON.stringify(verdict)}`);
  return verdict.problems.map((p) => [p.path.join('.'), p.message]);
}

const deployment = (container: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:${extra}
      containers:
        - ${container}
`;

describe('the schemas', () => {
  test('cover a contiguous range of minor versions with the built-in kinds', () => {
    const minors = schemaMinors();
    expect(minors[0]).toBe(28);
    expect(minors[minors.length - 1]).toBeGreaterThanOrEqual(36);
    expect(minors).toEqual(Array.from({ length: minors.length }, (_, i) => 28 + i));
  });
});

describe('an object the API server accepts', () => {
  test('a full Deployment, nulls, int-or-string ports, numeric quantities and status', () => {
    expect(
      problems(
        `${deployment('{ name: web, image: "nginx:1.27", ports: [{ containerPort: 80, name: http }], livenessProbe: { httpGet: { port: http } }, resources: { limits: { cpu: 1, memory: 512Mi }, requests: { cpu: 100m } }, env: [{ name: A, value: "1" }] }')}status: {}\n`.replace(
          'metadata: { name: web }',
          'metadata: { name: web, creationTimestamp: null, annotations: null }'
        )
      )
    ).toEqual([]);
  });

  test('a CustomResourceDefinition with free-form defaults and x- keys in its schema', () => {
    expect(
      problems(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
          properties:
            size: { type: integer, default: 3 }
            mode: { type: string, enum: [a, b], default: a }
`)
    ).toEqual([]);
  });
});

describe('what the API server refuses', () => {
  test('an unknown field, at the field, naming the definition', () => {
    expect(problems(deployment('{ name: web, image: "nginx:1.27", securityContext: { runAsNonroot: true } }'))).toEqual([
      [
        'spec.template.spec.containers.0.securityContext.runAsNonroot',
        `unknown field "runAsNonroot" in core.v1.SecurityContext: the API server's strict field validation refuses the object, and a lenient apply drops the field without a word`
      ]
    ]);
  });

  test('wrong types: a number as an env value, a string as a port, a number as a label', () => {
    expect(problems(deployment('{ name: web, image: x, env: [{ name: A, value: 8080 }], ports: [{ containerPort: "80" }] }').replace('labels: { app: web } }\n    spec', 'labels: { app: web, version: 1.5 } }\n    spec'))).toEqual([
      ['spec.template.metadata.labels.version', '"version" must be a string, not a number (1.5): quote the value, so that YAML reads it as a string'],
      ['spec.template.spec.containers.0.env.0.value', '"value" must be a string, not an integer (8080): quote the value, so that YAML reads it as a string'],
      ['spec.template.spec.containers.0.ports.0.containerPort', '"containerPort" must be an integer, not a string ("80"): the API server cannot decode it']
    ]);
  });

  test('a malformed pod spec is refused, not silently unchecked', () => {
    expect(problems('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: []\n')).toEqual([['spec', '"spec" must be a map, not a list: the API server cannot decode it']]);
  });

  test('required fields, base64 data, quantities, int32 range, timestamps', () => {
    expect(problems('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ image: x, resources: { limits: { memory: 512mb } } }], terminationGracePeriodSeconds: 1 }\n')).toEqual([
      ['spec.containers.0', 'required field "name" is missing'],
      ['spec.containers.0.resources.limits.memory', '"memory" is not a Kubernetes quantity ("512mb"): write it like 500m, 128Mi or 2']
    ]);
    expect(problems('apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata: { ok: "c2VjcmV0\\nc2VjcmV0", bad: "secret!" }\n')).toEqual([
      ['data.bad', '"bad" is not base64: the API server decodes it as base64 and refuses the object (write plain text under stringData)']
    ]);
    expect(problems('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: { replicas: 3000000000, selector: {}, template: {} }\n')).toEqual([
      ['spec.replicas', '"replicas" does not fit in int32: an integer (3000000000)']
    ]);
    expect(problems('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: b }\nroleRef: { kind: Role, name: r }\nsubjects: [{ kind: ServiceAccount, name: a }]\n')).toEqual([
      ['roleRef', 'required field "apiGroup" is missing']
    ]);
    expect(problems('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, creationTimestamp: "2024-05-01T10:00:00Z", deletionTimestamp: yesterday }\n')).toEqual([
      ['metadata.deletionTimestamp', '"deletionTimestamp" is not an RFC 3339 date-time: a string ("yesterday")']
    ]);
  });

  test('a fault high up is one problem, not one per field below it; at most 20 per object', () => {
    const many = Array.from({ length: 30 }, (_, i) => `f${i}: 1`).join(', ');
    const verdict = check(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n${Array.from({ length: 30 }, (_, i) => `f${i}: 1`).join('\n')}\n`);
    expect(verdict.status === 'checked' && verdict.problems).toHaveLength(20);
    expect(problems(`apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: "web", ${many} }\n`)).toHaveLength(20);
  });
});

describe('versions', () => {
  test('a field newer than the configured version is unknown to it', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { resources: { limits: { cpu: 1 } }, containers: [{ name: c, image: x }] }\n';
    expect(problems(pod, 32)).toEqual([]);
    expect(problems(pod, 31).map(([path]) => path)).toEqual(['spec.resources']);
  });

  test('outside the covered range the nearest version validates; older clusters are not told what is served', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: c, image: x, bogus: 1 }] }\n';
    expect(check(pod, 20)).toMatchObject({ status: 'checked', minor: 28 });
    expect(check(pod, 99)).toMatchObject({ status: 'checked', minor: schemaMinors().at(-1) });
    expect(check('apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: { name: i }\n', 20)).toEqual({ status: 'unknown' });
  });

  test('a kind the version does not serve, and a misspelt kind of a built-in group', () => {
    expect(check('apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata: { name: gpu }\n', 30)).toMatchObject({ status: 'not-served', minor: 30 });
    expect(check('apiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: web }\n')).toEqual({ status: 'no-such-kind', minor: 35, group: 'apps' });
    expect(check('apiVersion: v1\nkind: Configmap\nmetadata: { name: c }\n')).toMatchObject({ status: 'no-such-kind', group: '' });
  });

  test('custom resources, OpenShift legacy kinds, Lists and groups Kubernetes does not own are not its business', () => {
    expect(check('apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { x: 1 }\n')).toEqual({ status: 'unknown' });
    expect(check('apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r }\n')).toEqual({ status: 'unknown' });
    expect(check('apiVersion: v1\nkind: DeploymentConfig\nmetadata: { name: d }\n')).toEqual({ status: 'unknown' });
    expect(check('apiVersion: v1\nkind: List\nitems: []\n')).toEqual({ status: 'unknown' });
    expect(check('apiVersion: apps/v1\nkind: DeploymentList\nmetadata: { name: x }\n')).toEqual({ status: 'unknown' });
  });
});

describe('every kind of the first and the last version', () => {
  test.each([28, schemaMinors().at(-1) ?? 0])('compiles, and a bare object of it has no type or unknown-field problem (v1.%i)', (minor) => {
    const verdicts = kindsOf(minor).filter((key) => !key.endsWith('List')).map((key) => {
      const slash = key.lastIndexOf('/');
      const body = { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), metadata: { name: 'x', labels: { a: 'b' } } };
      return validateAgainstKubernetes(body.apiVersion, body.kind, body, minor);
    });
    expect(verdicts.length).toBeGreaterThan(70);
    for (const v of verdicts) {
      expect(v.status).toBe('checked');
      if (v.status === 'checked') expect(v.problems.filter((p) => !p.message.startsWith('required field'))).toEqual([]);
    }
  });
});
