/**
 * Network exposure templates.
 *
 * `ingress-tls` (no params, optional `allowHosts`): an Ingress must terminate TLS for every host it routes.
 *   No spec.tls at all is one violation at spec.tls; otherwise each rule host that no tls entry covers is a
 *   violation at spec.rules[i].host. A tls entry without hosts covers rules without a host; `*.example.com`
 *   covers one label below example.com.
 * `service-type` (params forbidden: [NodePort, LoadBalancer]): Service types that must not be used,
 *   reported at spec.type.
 */
import type { Violation } from '../../analyze/types.js';
import { getAt, isRecord } from '../../objects/types.js';
import { defineTemplate, type GenericTemplate, type ParamReader } from './util.js';

function hostCovered(host: string, tlsHosts: string[]): boolean {
  const h = host.toLowerCase();
  return tlsHosts.some((t) => {
    const pattern = t.toLowerCase();
    if (pattern === h) return true;
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length;
    }
    return false;
  });
}

export const ingressTlsTemplate: GenericTemplate = defineTemplate(
  'ingress-tls',
  'An Ingress must configure TLS (spec.tls) for every host it routes.',
  (read) => {
    read.only(['allowHosts']);
    return { allowHosts: read.stringList('allowHosts') ?? [] };
  },
  (ctx, p) => {
    if (ctx.object.kind !== 'Ingress') return [];
    const body = ctx.object.body;
    const tls = getAt(body, ['spec', 'tls']);
    const entries = Array.isArray(tls) ? tls.filter(isRecord) : [];
    const rules = getAt(body, ['spec', 'rules']);
    const ruleList = Array.isArray(rules) ? rules : [];
    const hosts = ruleList.map((r) => (isRecord(r) && typeof r.host === 'string' && r.host !== '' ? r.host : undefined));
    const uncovered = hosts.filter((h) => h === undefined || !hostCovered(h, p.allowHosts));
    if (entries.length === 0) {
      if (ruleList.length > 0 && uncovered.length === 0) return [];
      return [{ path: ['spec', 'tls'], message: 'The Ingress has no TLS (spec.tls), so its traffic is served over plain HTTP.' }];
    }
    const tlsHosts = entries.flatMap((e) => (Array.isArray(e.hosts) ? e.hosts.filter((h): h is string => typeof h === 'string') : []));
    const catchAll = entries.some((e) => !Array.isArray(e.hosts) || e.hosts.length === 0);
    const out: Violation[] = [];
    hosts.forEach((host, i) => {
      if (host === undefined) {
        if (!catchAll) out.push({ path: ['spec', 'rules', i], message: `Rule ${i} has no host, and no spec.tls entry without hosts covers it.` });
      } else if (!hostCovered(host, [...tlsHosts, ...p.allowHosts])) {
        out.push({ path: ['spec', 'rules', i, 'host'], message: `Host "${host}" is routed without TLS: no spec.tls entry lists it.` });
      }
    });
    return out;
  }
);

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

export const serviceTypeTemplate: GenericTemplate = defineTemplate(
  'service-type',
  'A Service must not use the given types (e.g. NodePort, LoadBalancer).',
  (read: ParamReader) => {
    read.only(['forbidden']);
    const forbidden = read.stringList('forbidden');
    if (!forbidden || forbidden.length === 0) read.fail(`params.forbidden must list Service types (${SERVICE_TYPES.join(', ')})`);
    for (const t of forbidden) if (!SERVICE_TYPES.includes(t)) read.fail(`params.forbidden: "${t}" is not a Service type (${SERVICE_TYPES.join(', ')})`);
    return { forbidden };
  },
  (ctx, p) => {
    if (ctx.object.kind !== 'Service') return [];
    const type = getAt(ctx.object.body, ['spec', 'type']);
    const effective = typeof type === 'string' ? type : 'ClusterIP';
    if (!p.forbidden.includes(effective)) return [];
    const why = effective === 'NodePort' || effective === 'LoadBalancer' ? 'which exposes it outside the cluster network' : 'which this rule does not allow';
    return [{ path: ['spec', 'type'], message: `The Service has type ${effective}, ${why}.` }];
  }
);
