/**
 * `network-policy-open-ingress`: a NetworkPolicy ingress rule must not let every source reach sensitive ports. A
 * rule allows every source when it has no `from` (or an empty one), or a peer `ipBlock` of `0.0.0.0/0` or `::/0`
 * (every address, outside the cluster too), or a peer `namespaceSelector: {}` without a `podSelector` (every pod
 * of every namespace). It reaches a sensitive port when it lists one of `ports` (default: databases, caches,
 * message brokers, SSH, remote desktops, the kubelet and etcd) or lists no ports at all.
 * Params (optional): ports (numbers). Violations point at spec.ingress[i].
 */
import type { Violation } from '../../analyze/types.js';
import { getAt, isRecord } from '../../objects/types.js';
import { defineTemplate, type GenericTemplate } from './util.js';

export const SENSITIVE_PORTS = [22, 23, 1433, 1521, 2375, 2376, 2379, 2380, 3306, 3389, 5432, 5672, 5900, 5984, 6379, 6443, 8086, 9092, 9200, 9300, 10250, 10255, 11211, 27017];

/** Why an ingress rule lets every source in (`from` missing, 0.0.0.0/0, every namespace), or undefined. */
function everySource(rule: Record<string, unknown>): string | undefined {
  const from = rule.from;
  if (!Array.isArray(from) || from.length === 0) return 'it names no sources';
  for (const peer of from) {
    if (!isRecord(peer)) continue;
    const cidr = getAt(peer, ['ipBlock', 'cidr']);
    if (cidr === '0.0.0.0/0' || cidr === '::/0') return `a peer is ${String(cidr)}`;
    const ns = peer.namespaceSelector;
    if (isRecord(ns) && Object.keys(ns).length === 0 && peer.podSelector === undefined) return 'a peer selects every namespace';
  }
  return undefined;
}

export const networkPolicyOpenIngressTemplate: GenericTemplate = defineTemplate(
  'network-policy-open-ingress',
  'NetworkPolicy ingress rules must not let every source reach sensitive ports.',
  (read) => {
    read.only(['ports']);
    const ports = read.list('ports');
    if (ports && !ports.every((p) => Number.isInteger(p))) read.fail('params.ports must be a list of port numbers');
    return { ports: (ports as number[] | undefined) ?? SENSITIVE_PORTS };
  },
  (ctx, p) => {
    if (ctx.object.kind !== 'NetworkPolicy') return [];
    const rules = getAt(ctx.object.body, ['spec', 'ingress']);
    const out: Violation[] = [];
    (Array.isArray(rules) ? rules : []).forEach((rule, i) => {
      if (!isRecord(rule)) return;
      const why = everySource(rule);
      if (!why) return;
      const ports = Array.isArray(rule.ports) ? rule.ports.filter(isRecord) : [];
      if (ports.length === 0) {
        out.push({ path: ['spec', 'ingress', i], message: `Ingress rule ${i} lets every source in (${why}) on every port, the sensitive ones included.` });
        return;
      }
      const hit = ports.map((x) => x.port).filter((n): n is number => typeof n === 'number' && p.ports.includes(n));
      if (hit.length > 0) out.push({ path: ['spec', 'ingress', i], message: `Ingress rule ${i} lets every source in (${why}) on port${hit.length === 1 ? '' : 's'} ${hit.join(', ')}.` });
    });
    return out;
  }
);
