/**
 * The slice of GitHub's GraphQL API our action uses, over the loopback state: a small GraphQL parser,
 * static validation against a hand-written subset of GitHub's schema (unknown fields/arguments are errors
 * shaped like GitHub's), and an executor. Covers `repository.pullRequest.reviewThreads`, `node(id)`,
 * `viewer`, `rateLimit` and the mutations resolveReviewThread / unresolveReviewThread / minimizeComment /
 * unminimizeComment.
 */
import type { IssueCommentState, LoopbackState, PullRequestState, ReviewCommentState, ReviewThreadState } from './state.js';

// ---------------------------------------------------------------------------------------------- parser

interface Loc { line: number; column: number }
type Value =
  | { kind: 'var'; name: string }
  | { kind: 'lit'; value: string | number | boolean | null }
  | { kind: 'enum'; value: string }
  | { kind: 'list'; values: Value[] }
  | { kind: 'obj'; fields: Record<string, Value> };
interface Directive { name: string; args: Record<string, Value> }
interface FieldNode { kind: 'field'; alias?: string; name: string; args: Record<string, Value>; directives: Directive[]; selections?: Selection[]; loc: Loc }
interface SpreadNode { kind: 'spread'; name: string; directives: Directive[]; loc: Loc }
interface InlineNode { kind: 'inline'; typeCondition?: string; directives: Directive[]; selections: Selection[]; loc: Loc }
type Selection = FieldNode | SpreadNode | InlineNode;
interface VariableDef { name: string; type: string; defaultValue?: Value }
interface OperationNode { operation: 'query' | 'mutation' | 'subscription'; name?: string; variables: VariableDef[]; selections: Selection[]; loc: Loc }
interface FragmentNode { name: string; typeCondition: string; selections: Selection[] }
interface DocumentNode { operations: OperationNode[]; fragments: Map<string, FragmentNode> }

interface Token { kind: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof'; value: string; loc: Loc }

export class GraphqlSyntaxError extends Error {
  constructor(message: string, readonly loc: Loc) { super(message); }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (at: number): Loc => ({ line, column: at - lineStart + 1 });
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\n') { i++; line++; lineStart = i; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === ',' || ch === '\uFEFF') { i++; continue; }
    if (ch === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    const start = i;
    if (src.startsWith('...', i)) { tokens.push({ kind: 'punct', value: '...', loc: loc(start) }); i += 3; continue; }
    if ('!$&():=@[]{}|'.includes(ch)) { tokens.push({ kind: 'punct', value: ch, loc: loc(start) }); i++; continue; }
    if (/[_A-Za-z]/.test(ch)) {
      while (i < src.length && /[_0-9A-Za-z]/.test(src[i])) i++;
      tokens.push({ kind: 'name', value: src.slice(start, i), loc: loc(start) });
      continue;
    }
    if (/[-0-9]/.test(ch)) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
      if (!m) throw new GraphqlSyntaxError(`Parse error on "${ch}"`, loc(start));
      i += m[0].length;
      tokens.push({ kind: m[2] || m[3] ? 'float' : 'int', value: m[0], loc: loc(start) });
      continue;
    }
    if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0) throw new GraphqlSyntaxError('Unterminated string', loc(start));
      const raw = src.slice(i + 3, end);
      for (const c of raw) if (c === '\n') line++;
      i = end + 3;
      tokens.push({ kind: 'string', value: raw.replace(/\\"""/g, '"""'), loc: loc(start) });
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') { if (src[j] === '\\') j++; if (src[j] === '\n') break; j++; }
      if (src[j] !== '"') throw new GraphqlSyntaxError('Unterminated string', loc(start));
      const literal = src.slice(i, j + 1);
      let value: string;
      try { value = JSON.parse(literal) as string; } catch { throw new GraphqlSyntaxError(`Bad string ${literal}`, loc(start)); }
      tokens.push({ kind: 'string', value, loc: loc(start) });
      i = j + 1;
      continue;
    }
    throw new GraphqlSyntaxError(`Parse error on "${ch}"`, loc(start));
  }
  tokens.push({ kind: 'eof', value: '', loc: loc(i) });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}
  private peek(): Token { return this.tokens[this.pos]; }
  private next(): Token { return this.tokens[this.pos++]; }
  private is(value: string): boolean { const t = this.peek(); return (t.kind === 'punct' || t.kind === 'name') && t.value === value; }
  private expect(value: string): Token {
    const t = this.next();
    if (t.value !== value || (t.kind !== 'punct' && t.kind !== 'name')) throw new GraphqlSyntaxError(`Parse error on ${JSON.stringify(t.value || 'end of file')} (expected ${JSON.stringify(value)})`, t.loc);
    return t;
  }
  private name(): string {
    const t = this.next();
    if (t.kind !== 'name') throw new GraphqlSyntaxError(`Parse error on ${JSON.stringify(t.value || 'end of file')} (expected a name)`, t.loc);
    return t.value;
  }

  document(): DocumentNode {
    const doc: DocumentNode = { operations: [], fragments: new Map() };
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (t.kind === 'punct' && t.value === '{') {
        doc.operations.push({ operation: 'query', variables: [], selections: this.selectionSet(), loc: t.loc });
      } else if (t.kind === 'name' && (t.value === 'query' || t.value === 'mutation' || t.value === 'subscription')) {
        this.next();
        const name = this.peek().kind === 'name' ? this.name() : undefined;
        const variables = this.is('(') ? this.variableDefs() : [];
        this.directives();
        doc.operations.push({ operation: t.value, name, variables, selections: this.selectionSet(), loc: t.loc });
      } else if (t.kind === 'name' && t.value === 'fragment') {
        this.next();
        const name = this.name();
        this.expect('on');
        const typeCondition = this.name();
        this.directives();
        doc.fragments.set(name, { name, typeCondition, selections: this.selectionSet() });
      } else {
        throw new GraphqlSyntaxError(`Parse error on ${JSON.stringify(t.value)}`, t.loc);
      }
    }
    return doc;
  }

  private variableDefs(): VariableDef[] {
    this.expect('(');
    const defs: VariableDef[] = [];
    while (!this.is(')')) {
      this.expect('$');
      const name = this.name();
      this.expect(':');
      const type = this.type();
      let defaultValue: Value | undefined;
      if (this.is('=')) { this.next(); defaultValue = this.value(true); }
      this.directives();
      defs.push({ name, type, defaultValue });
    }
    this.expect(')');
    return defs;
  }

  private type(): string {
    let t: string;
    if (this.is('[')) { this.next(); t = `[${this.type()}]`; this.expect(']'); } else t = this.name();
    if (this.is('!')) { this.next(); t += '!'; }
    return t;
  }

  private selectionSet(): Selection[] {
    this.expect('{');
    const out: Selection[] = [];
    while (!this.is('}')) {
      const t = this.peek();
      if (t.kind === 'eof') throw new GraphqlSyntaxError('Parse error on end of file (expected "}")', t.loc);
      if (t.kind === 'punct' && t.value === '...') {
        this.next();
        if (this.is('on')) {
          this.next();
          const typeCondition = this.name();
          out.push({ kind: 'inline', typeCondition, directives: this.directives(), selections: this.selectionSet(), loc: t.loc });
        } else if (this.peek().kind === 'name') {
          out.push({ kind: 'spread', name: this.name(), directives: this.directives(), loc: t.loc });
        } else {
          out.push({ kind: 'inline', directives: this.directives(), selections: this.selectionSet(), loc: t.loc });
        }
        continue;
      }
      const first = this.name();
      let alias: string | undefined;
      let name = first;
      if (this.is(':')) { this.next(); alias = first; name = this.name(); }
      const args = this.is('(') ? this.args(false) : {};
      const directives = this.directives();
      const selections = this.is('{') ? this.selectionSet() : undefined;
      out.push({ kind: 'field', alias, name, args, directives, selections, loc: t.loc });
    }
    this.expect('}');
    return out;
  }

  private args(constant: boolean): Record<string, Value> {
    this.expect('(');
    const args: Record<string, Value> = {};
    while (!this.is(')')) {
      const n = this.name();
      this.expect(':');
      args[n] = this.value(constant);
    }
    this.expect(')');
    return args;
  }

  private directives(): Directive[] {
    const out: Directive[] = [];
    while (this.is('@')) {
      this.next();
      const name = this.name();
      out.push({ name, args: this.is('(') ? this.args(false) : {} });
    }
    return out;
  }

  private value(constant: boolean): Value {
    const t = this.next();
    if (t.kind === 'punct' && t.value === '$' && !constant) return { kind: 'var', name: this.name() };
    if (t.kind === 'int') return { kind: 'lit', value: Number.parseInt(t.value, 10) };
    if (t.kind === 'float') return { kind: 'lit', value: Number.parseFloat(t.value) };
    if (t.kind === 'string') return { kind: 'lit', value: t.value };
    if (t.kind === 'name') {
      if (t.value === 'true' || t.value === 'false') return { kind: 'lit', value: t.value === 'true' };
      if (t.value === 'null') return { kind: 'lit', value: null };
      return { kind: 'enum', value: t.value };
    }
    if (t.kind === 'punct' && t.value === '[') {
      const values: Value[] = [];
      while (!this.is(']')) values.push(this.value(constant));
      this.next();
      return { kind: 'list', values };
    }
    if (t.kind === 'punct' && t.value === '{') {
      const fields: Record<string, Value> = {};
      while (!this.is('}')) { const n = this.name(); this.expect(':'); fields[n] = this.value(constant); }
      this.next();
      return { kind: 'obj', fields };
    }
    throw new GraphqlSyntaxError(`Parse error on ${JSON.stringify(t.value || 'end of file')}`, t.loc);
  }
}

export function parseGraphql(source: string): DocumentNode {
  return new Parser(tokenize(source)).document();
}

// ---------------------------------------------------------------------------------------------- schema

export interface GraphqlContext {
  state: LoopbackState;
  viewer: string;
  canWrite: boolean;
  /** Records a violation (a request the real GitHub would refuse, or that our fake does not model). */
  violation(message: string): void;
}

class GqlError extends Error {
  constructor(readonly type: string, message: string) { super(message); }
}

type Source = Record<string, unknown>;
interface FieldDef {
  type: string;
  args?: Record<string, string>;
  resolve?: (src: Source, args: Record<string, unknown>, ctx: GraphqlContext) => unknown;
}
interface TypeDef { kind: 'object' | 'interface'; fields: Record<string, FieldDef>; interfaces?: string[] }
interface InputDef { fields: Record<string, string> }

const ENUMS: Record<string, string[]> = {
  DiffSide: ['LEFT', 'RIGHT'],
  PullRequestReviewThreadSubjectType: ['LINE', 'FILE'],
  PullRequestState: ['OPEN', 'CLOSED', 'MERGED'],
  ReportedContentClassifiers: ['SPAM', 'ABUSE', 'OFF_TOPIC', 'OUTDATED', 'DUPLICATE', 'RESOLVED'],
  CommentAuthorAssociation: ['COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIMER', 'FIRST_TIME_CONTRIBUTOR', 'MANNEQUIN', 'MEMBER', 'NONE', 'OWNER']
};
const INPUTS: Record<string, InputDef> = {
  ResolveReviewThreadInput: { fields: { threadId: 'ID!', clientMutationId: 'String' } },
  UnresolveReviewThreadInput: { fields: { threadId: 'ID!', clientMutationId: 'String' } },
  MinimizeCommentInput: { fields: { subjectId: 'ID!', classifier: 'ReportedContentClassifiers!', clientMutationId: 'String' } },
  UnminimizeCommentInput: { fields: { subjectId: 'ID!', clientMutationId: 'String' } }
};

const CONNECTION_ARGS = { first: 'Int', after: 'String', last: 'Int', before: 'String' };
const MAX_PAGE = 100;

function encodeCursor(index: number): string { return Buffer.from(`cursor:v2:${index}`).toString('base64'); }
function decodeCursor(cursor: string): number | undefined {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

function connection(typePrefix: string, field: string, items: Source[], args: Record<string, unknown>, ctx: GraphqlContext): Source {
  const first = args.first as number | null | undefined;
  const last = args.last as number | null | undefined;
  if (first == null && last == null) {
    const msg = `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`;
    ctx.violation(msg);
    throw new GqlError('MISSING_PAGINATION_BOUNDARIES', msg);
  }
  for (const [name, n] of [['first', first], ['last', last]] as const) {
    if (n != null && (n < 0 || n > MAX_PAGE)) {
      const msg = `Requesting ${n} records on the \`${field}\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`;
      ctx.violation(msg);
      throw new GqlError('EXCESSIVE_PAGINATION', msg);
    }
  }
  let start = 0;
  let end = items.length;
  for (const [name, cursor] of [['after', args.after], ['before', args.before]] as const) {
    if (cursor == null) continue;
    const idx = decodeCursor(String(cursor));
    if (idx === undefined) {
      const msg = `\`${String(cursor)}\` does not appear to be a valid cursor.`;
      ctx.violation(msg);
      throw new GqlError('INVALID_CURSOR_ARGUMENTS', msg);
    }
    if (name === 'after') start = Math.max(start, idx + 1);
    else end = Math.min(end, idx);
  }
  let from = start;
  let to = Math.max(start, end);
  if (first != null) to = Math.min(to, from + first);
  if (last != null) from = Math.max(from, to - last);
  const edges = items.slice(from, to).map((node, i) => ({ __typename: `${typePrefix}Edge`, node, cursor: encodeCursor(from + i) }));
  return {
    __typename: `${typePrefix}Connection`,
    nodes: edges.map((e) => e.node),
    edges,
    totalCount: items.length,
    pageInfo: {
      __typename: 'PageInfo',
      hasNextPage: to < Math.max(start, end),
      hasPreviousPage: from > start,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null
    }
  };
}

function actor(login: string): Source {
  return { __typename: login.endsWith('[bot]') ? 'Bot' : 'User', login: login.replace(/\[bot\]$/, ''), url: `https://github.com/${login}` };
}

function repoSrc(ctx: GraphqlContext): Source { return { __typename: 'Repository', repo: ctx.state.repository }; }

function prSrc(pr: PullRequestState): Source { return { __typename: 'PullRequest', pr }; }

function threadSrc(pr: PullRequestState, thread: ReviewThreadState): Source { return { __typename: 'PullRequestReviewThread', pr, thread }; }

function reviewCommentSrc(pr: PullRequestState, c: ReviewCommentState): Source { return { __typename: 'PullRequestReviewComment', pr, c }; }

function issueCommentSrc(c: IssueCommentState): Source { return { __typename: 'IssueComment', c }; }

function findNode(ctx: GraphqlContext, id: string): Source | undefined {
  for (const pr of ctx.state.pullRequests) {
    if (pr.nodeId === id) return prSrc(pr);
    const t = pr.reviewThreads.find((x) => x.id === id);
    if (t) return threadSrc(pr, t);
    const c = pr.reviewComments.find((x) => x.nodeId === id);
    if (c) return reviewCommentSrc(pr, c);
  }
  const ic = ctx.state.issueComments.find((x) => x.nodeId === id);
  if (ic) return issueCommentSrc(ic);
  if (ctx.state.repository.nodeId === id) return repoSrc(ctx);
  return undefined;
}

function requireWrite(ctx: GraphqlContext): void {
  if (!ctx.canWrite) throw new GqlError('FORBIDDEN', 'Resource not accessible by integration');
}

function notFoundNode(id: unknown): GqlError {
  return new GqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'`);
}

function minimizable(getC: (s: Source) => { minimizedReason: string | null; user: string }): Record<string, FieldDef> {
  return {
    isMinimized: { type: 'Boolean!', resolve: (s) => getC(s).minimizedReason !== null },
    minimizedReason: { type: 'String', resolve: (s) => getC(s).minimizedReason },
    viewerCanMinimize: { type: 'Boolean!', resolve: (_s, _a, ctx) => ctx.canWrite }
  };
}

const TYPES: Record<string, TypeDef> = {
  Query: {
    kind: 'object',
    fields: {
      repository: {
        type: 'Repository', args: { owner: 'String!', name: 'String!', followRenames: 'Boolean' },
        resolve: (_s, a, ctx) => {
          const r = ctx.state.repository;
          if (String(a.owner).toLowerCase() !== r.owner.toLowerCase() || String(a.name).toLowerCase() !== r.name.toLowerCase()) {
            throw new GqlError('NOT_FOUND', `Could not resolve to a Repository with the name '${String(a.owner)}/${String(a.name)}'.`);
          }
          return repoSrc(ctx);
        }
      },
      viewer: { type: 'User!', resolve: (_s, _a, ctx) => actor(ctx.viewer) },
      node: {
        type: 'Node', args: { id: 'ID!' },
        resolve: (_s, a, ctx) => { const n = findNode(ctx, String(a.id)); if (!n) throw notFoundNode(a.id); return n; }
      },
      rateLimit: {
        type: 'RateLimit', args: { dryRun: 'Boolean' },
        resolve: () => ({ __typename: 'RateLimit', limit: 5000, cost: 1, remaining: 4999, used: 1, nodeCount: 0, resetAt: new Date(Date.now() + 3600_000).toISOString() })
      }
    }
  },
  Mutation: {
    kind: 'object',
    fields: {
      resolveReviewThread: {
        type: 'ResolveReviewThreadPayload', args: { input: 'ResolveReviewThreadInput!' },
        resolve: (_s, a, ctx) => setResolved(ctx, a.input as Source, true)
      },
      unresolveReviewThread: {
        type: 'UnresolveReviewThreadPayload', args: { input: 'UnresolveReviewThreadInput!' },
        resolve: (_s, a, ctx) => setResolved(ctx, a.input as Source, false)
      },
      minimizeComment: {
        type: 'MinimizeCommentPayload', args: { input: 'MinimizeCommentInput!' },
        resolve: (_s, a, ctx) => setMinimized(ctx, a.input as Source, true)
      },
      unminimizeComment: {
        type: 'UnminimizeCommentPayload', args: { input: 'UnminimizeCommentInput!' },
        resolve: (_s, a, ctx) => setMinimized(ctx, a.input as Source, false)
      }
    }
  },
  Node: { kind: 'interface', fields: { id: { type: 'ID!' } } },
  Actor: { kind: 'interface', fields: { login: { type: 'String!' }, url: { type: 'URI!' } } },
  User: { kind: 'object', interfaces: ['Actor'], fields: { login: { type: 'String!' }, url: { type: 'URI!' } } },
  Bot: { kind: 'object', interfaces: ['Actor'], fields: { login: { type: 'String!' }, url: { type: 'URI!' } } },
  Minimizable: { kind: 'interface', fields: { isMinimized: { type: 'Boolean!' }, minimizedReason: { type: 'String' }, viewerCanMinimize: { type: 'Boolean!' } } },
  RateLimit: {
    kind: 'object',
    fields: { limit: { type: 'Int!' }, cost: { type: 'Int!' }, remaining: { type: 'Int!' }, used: { type: 'Int!' }, nodeCount: { type: 'Int!' }, resetAt: { type: 'DateTime!' } }
  },
  PageInfo: {
    kind: 'object',
    fields: { hasNextPage: { type: 'Boolean!' }, hasPreviousPage: { type: 'Boolean!' }, startCursor: { type: 'String' }, endCursor: { type: 'String' } }
  },
  Repository: {
    kind: 'object', interfaces: ['Node'],
    fields: {
      id: { type: 'ID!', resolve: (s) => (s.repo as LoopbackState['repository']).nodeId },
      databaseId: { type: 'Int', resolve: (s) => (s.repo as LoopbackState['repository']).id },
      name: { type: 'String!', resolve: (s) => (s.repo as LoopbackState['repository']).name },
      nameWithOwner: { type: 'String!', resolve: (s) => { const r = s.repo as LoopbackState['repository']; return `${r.owner}/${r.name}`; } },
      isPrivate: { type: 'Boolean!', resolve: (s) => (s.repo as LoopbackState['repository']).private },
      url: { type: 'URI!', resolve: (s) => { const r = s.repo as LoopbackState['repository']; return `https://github.com/${r.owner}/${r.name}`; } },
      owner: { type: 'Actor!', resolve: (s) => actor((s.repo as LoopbackState['repository']).owner) },
      pullRequest: {
        type: 'PullRequest', args: { number: 'Int!' },
        resolve: (_s, a, ctx) => {
          const pr = ctx.state.pullRequests.find((p) => p.number === a.number);
          if (!pr) throw new GqlError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${String(a.number)}.`);
          return prSrc(pr);
        }
      }
    }
  },
  PullRequest: {
    kind: 'object', interfaces: ['Node'],
    fields: {
      id: { type: 'ID!', resolve: (s) => (s.pr as PullRequestState).nodeId },
      databaseId: { type: 'Int', resolve: (s) => (s.pr as PullRequestState).id },
      number: { type: 'Int!', resolve: (s) => (s.pr as PullRequestState).number },
      title: { type: 'String!', resolve: (s) => (s.pr as PullRequestState).title },
      url: { type: 'URI!', resolve: (s, _a, ctx) => `https://github.com/${ctx.state.repository.owner}/${ctx.state.repository.name}/pull/${(s.pr as PullRequestState).number}` },
      state: { type: 'PullRequestState!', resolve: (s) => (s.pr as PullRequestState).state.toUpperCase() },
      isDraft: { type: 'Boolean!', resolve: (s) => (s.pr as PullRequestState).draft },
      headRefOid: { type: 'GitObjectID!', resolve: (s) => (s.pr as PullRequestState).head.sha },
      baseRefOid: { type: 'GitObjectID!', resolve: (s) => (s.pr as PullRequestState).base.sha },
      headRefName: { type: 'String!', resolve: (s) => (s.pr as PullRequestState).head.ref },
      baseRefName: { type: 'String!', resolve: (s) => (s.pr as PullRequestState).base.ref },
      isCrossRepository: {
        type: 'Boolean!',
        resolve: (s, _a, ctx) => (s.pr as PullRequestState).head.repoFullName !== `${ctx.state.repository.owner}/${ctx.state.repository.name}`
      },
      reviewThreads: {
        type: 'PullRequestReviewThreadConnection!', args: CONNECTION_ARGS,
        resolve: (s, a, ctx) => {
          const pr = s.pr as PullRequestState;
          return connection('PullRequestReviewThread', 'reviewThreads', pr.reviewThreads.map((t) => threadSrc(pr, t)), a, ctx);
        }
      }
    }
  },
  PullRequestReviewThreadConnection: {
    kind: 'object',
    fields: { nodes: { type: '[PullRequestReviewThread]' }, edges: { type: '[PullRequestReviewThreadEdge]' }, pageInfo: { type: 'PageInfo!' }, totalCount: { type: 'Int!' } }
  },
  PullRequestReviewThreadEdge: { kind: 'object', fields: { node: { type: 'PullRequestReviewThread' }, cursor: { type: 'String!' } } },
  PullRequestReviewThread: {
    kind: 'object', interfaces: ['Node'],
    fields: {
      id: { type: 'ID!', resolve: (s) => (s.thread as ReviewThreadState).id },
      isResolved: { type: 'Boolean!', resolve: (s) => (s.thread as ReviewThreadState).isResolved },
      isOutdated: { type: 'Boolean!', resolve: (s) => (s.thread as ReviewThreadState).isOutdated },
      isCollapsed: { type: 'Boolean!', resolve: (s) => (s.thread as ReviewThreadState).isResolved },
      path: { type: 'String!', resolve: (s) => (s.thread as ReviewThreadState).path },
      line: { type: 'Int', resolve: (s) => rootComment(s)?.line ?? null },
      originalLine: { type: 'Int', resolve: (s) => rootComment(s)?.originalLine ?? null },
      startLine: { type: 'Int', resolve: (s) => rootComment(s)?.startLine ?? null },
      originalStartLine: { type: 'Int', resolve: (s) => rootComment(s)?.originalStartLine ?? null },
      diffSide: { type: 'DiffSide!', resolve: (s) => rootComment(s)?.side ?? 'RIGHT' },
      startDiffSide: { type: 'DiffSide', resolve: (s) => rootComment(s)?.startSide ?? null },
      subjectType: { type: 'PullRequestReviewThreadSubjectType!', resolve: (s) => (rootComment(s)?.subjectType ?? 'line').toUpperCase() },
      resolvedBy: { type: 'User', resolve: (s) => { const by = (s.thread as ReviewThreadState).resolvedBy; return by ? actor(by) : null; } },
      viewerCanResolve: { type: 'Boolean!', resolve: (s, _a, ctx) => ctx.canWrite && !(s.thread as ReviewThreadState).isResolved },
      viewerCanUnresolve: { type: 'Boolean!', resolve: (s, _a, ctx) => ctx.canWrite && (s.thread as ReviewThreadState).isResolved },
      viewerCanReply: { type: 'Boolean!', resolve: (_s, _a, ctx) => ctx.canWrite },
      pullRequest: { type: 'PullRequest!', resolve: (s) => prSrc(s.pr as PullRequestState) },
      comments: {
        type: 'PullRequestReviewCommentConnection!', args: { ...CONNECTION_ARGS, skip: 'Int' },
        resolve: (s, a, ctx) => {
          const pr = s.pr as PullRequestState;
          const t = s.thread as ReviewThreadState;
          const items = t.commentIds.map((id) => pr.reviewComments.find((c) => c.id === id)).filter((c): c is ReviewCommentState => c !== undefined);
          return connection('PullRequestReviewComment', 'comments', items.slice(Number(a.skip ?? 0)).map((c) => reviewCommentSrc(pr, c)), a, ctx);
        }
      }
    }
  },
  PullRequestReviewCommentConnection: {
    kind: 'object',
    fields: { nodes: { type: '[PullRequestReviewComment]' }, edges: { type: '[PullRequestReviewCommentEdge]' }, pageInfo: { type: 'PageInfo!' }, totalCount: { type: 'Int!' } }
  },
  PullRequestReviewCommentEdge: { kind: 'object', fields: { node: { type: 'PullRequestReviewComment' }, cursor: { type: 'String!' } } },
  PullRequestReviewComment: {
    kind: 'object', interfaces: ['Node', 'Minimizable'],
    fields: {
      id: { type: 'ID!', resolve: (s) => rc(s).nodeId },
      databaseId: { type: 'Int', resolve: (s) => rc(s).id },
      fullDatabaseId: { type: 'BigInt', resolve: (s) => String(rc(s).id) },
      body: { type: 'String!', resolve: (s) => rc(s).body },
      bodyText: { type: 'String!', resolve: (s) => rc(s).body },
      author: { type: 'Actor', resolve: (s) => actor(rc(s).user) },
      authorAssociation: { type: 'CommentAuthorAssociation!', resolve: () => 'NONE' },
      path: { type: 'String!', resolve: (s) => rc(s).path },
      line: { type: 'Int', resolve: (s) => rc(s).line },
      originalLine: { type: 'Int', resolve: (s) => rc(s).originalLine },
      startLine: { type: 'Int', resolve: (s) => rc(s).startLine },
      diffHunk: { type: 'String!', resolve: (s) => rc(s).diffHunk },
      outdated: { type: 'Boolean!', resolve: (s) => rc(s).line === null },
      createdAt: { type: 'DateTime!', resolve: (s) => rc(s).createdAt },
      updatedAt: { type: 'DateTime!', resolve: (s) => rc(s).updatedAt },
      url: { type: 'URI!', resolve: (s, _a, ctx) => `https://github.com/${ctx.state.repository.owner}/${ctx.state.repository.name}/pull/${rc(s).pullNumber}#discussion_r${rc(s).id}` },
      replyTo: {
        type: 'PullRequestReviewComment',
        resolve: (s) => {
          const c = rc(s);
          const parent = c.inReplyToId === null ? undefined : (s.pr as PullRequestState).reviewComments.find((x) => x.id === c.inReplyToId);
          return parent ? reviewCommentSrc(s.pr as PullRequestState, parent) : null;
        }
      },
      pullRequest: { type: 'PullRequest!', resolve: (s) => prSrc(s.pr as PullRequestState) },
      ...minimizable((s) => rc(s))
    }
  },
  IssueComment: {
    kind: 'object', interfaces: ['Node', 'Minimizable'],
    fields: {
      id: { type: 'ID!', resolve: (s) => (s.c as IssueCommentState).nodeId },
      databaseId: { type: 'Int', resolve: (s) => (s.c as IssueCommentState).id },
      body: { type: 'String!', resolve: (s) => (s.c as IssueCommentState).body },
      author: { type: 'Actor', resolve: (s) => actor((s.c as IssueCommentState).user) },
      createdAt: { type: 'DateTime!', resolve: (s) => (s.c as IssueCommentState).createdAt },
      ...minimizable((s) => s.c as IssueCommentState)
    }
  },
  ResolveReviewThreadPayload: { kind: 'object', fields: { thread: { type: 'PullRequestReviewThread' }, clientMutationId: { type: 'String' } } },
  UnresolveReviewThreadPayload: { kind: 'object', fields: { thread: { type: 'PullRequestReviewThread' }, clientMutationId: { type: 'String' } } },
  MinimizeCommentPayload: { kind: 'object', fields: { minimizedComment: { type: 'Minimizable' }, clientMutationId: { type: 'String' } } },
  UnminimizeCommentPayload: { kind: 'object', fields: { unminimizedComment: { type: 'Minimizable' }, clientMutationId: { type: 'String' } } }
};

function rc(s: Source): ReviewCommentState { return s.c as ReviewCommentState; }
function rootComment(s: Source): ReviewCommentState | undefined {
  const t = s.thread as ReviewThreadState;
  return (s.pr as PullRequestState).reviewComments.find((c) => c.id === t.commentIds[0]);
}

function setResolved(ctx: GraphqlContext, input: Source, resolved: boolean): Source {
  requireWrite(ctx);
  for (const pr of ctx.state.pullRequests) {
    const t = pr.reviewThreads.find((x) => x.id === input.threadId);
    if (t) {
      t.isResolved = resolved;
      t.resolvedBy = resolved ? ctx.viewer : null;
      return { thread: threadSrc(pr, t), clientMutationId: input.clientMutationId ?? null };
    }
  }
  throw notFoundNode(input.threadId);
}

function setMinimized(ctx: GraphqlContext, input: Source, minimized: boolean): Source {
  requireWrite(ctx);
  const n = findNode(ctx, String(input.subjectId));
  if (!n || (n.__typename !== 'PullRequestReviewComment' && n.__typename !== 'IssueComment')) throw notFoundNode(input.subjectId);
  const c = n.c as { minimizedReason: string | null };
  c.minimizedReason = minimized ? String(input.classifier).toLowerCase() : null;
  return minimized ? { minimizedComment: n, clientMutationId: input.clientMutationId ?? null } : { unminimizedComment: n, clientMutationId: input.clientMutationId ?? null };
}

// ---------------------------------------------------------------------------------------------- validation + execution

interface GqlErrorJson { message: string; type?: string; path?: (string | number)[]; locations?: Loc[]; extensions?: Record<string, unknown> }

function namedType(t: string): string { return t.replace(/[[\]!]/g, ''); }
function isList(t: string): boolean { return t.replace(/!$/, '').startsWith('['); }

function possibleTypes(name: string): string[] {
  const def = TYPES[name];
  if (!def) return [];
  if (def.kind === 'object') return [name];
  return Object.entries(TYPES).filter(([, d]) => d.kind === 'object' && d.interfaces?.includes(name)).map(([n]) => n);
}

function coerceInput(type: string, value: unknown, where: string): unknown {
  const nonNull = type.endsWith('!');
  const inner = nonNull ? type.slice(0, -1) : type;
  if (value === null || value === undefined) {
    if (nonNull) throw new Error(`${where}: expected type '${type}' but got null`);
    return null;
  }
  if (inner.startsWith('[')) {
    const item = inner.slice(1, -1);
    return (Array.isArray(value) ? value : [value]).map((v, i) => coerceInput(item, v, `${where}[${i}]`));
  }
  const bad = (): Error => new Error(`${where}: ${JSON.stringify(value)} is not a valid ${inner}`);
  switch (inner) {
    case 'Int': if (!Number.isInteger(value)) throw bad(); return value;
    case 'Float': if (typeof value !== 'number') throw bad(); return value;
    case 'Boolean': if (typeof value !== 'boolean') throw bad(); return value;
    case 'String': case 'URI': case 'DateTime': case 'GitObjectID': case 'HTML': if (typeof value !== 'string') throw bad(); return value;
    case 'ID': if (typeof value !== 'string' && !Number.isInteger(value)) throw bad(); return String(value);
    case 'BigInt': if (typeof value !== 'string' && !Number.isInteger(value)) throw bad(); return String(value);
  }
  if (ENUMS[inner]) { if (typeof value !== 'string' || !ENUMS[inner].includes(value)) throw bad(); return value; }
  const input = INPUTS[inner];
  if (input) {
    if (typeof value !== 'object' || Array.isArray(value)) throw bad();
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) if (!(k in input.fields)) throw new Error(`${where}: unknown field '${k}' on input type '${inner}'`);
    const out: Record<string, unknown> = {};
    for (const [k, t] of Object.entries(input.fields)) out[k] = coerceInput(t, obj[k], `${where}.${k}`);
    return out;
  }
  throw new Error(`${where}: unknown type '${inner}'`);
}

function valueToJs(v: Value, vars: Record<string, unknown>): unknown {
  switch (v.kind) {
    case 'var': return vars[v.name];
    case 'lit': return v.value;
    case 'enum': return v.value;
    case 'list': return v.values.map((x) => valueToJs(x, vars));
    case 'obj': return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, valueToJs(x, vars)]));
  }
}

function usedVariables(v: Value, out: Set<string>): void {
  if (v.kind === 'var') out.add(v.name);
  else if (v.kind === 'list') v.values.forEach((x) => usedVariables(x, out));
  else if (v.kind === 'obj') Object.values(v.fields).forEach((x) => usedVariables(x, out));
}

class Validator {
  readonly errors: GqlErrorJson[] = [];
  readonly used = new Set<string>();
  constructor(private readonly doc: DocumentNode) {}

  selections(typeName: string, selections: Selection[], path: string[], seenFragments: Set<string>): void {
    const def = TYPES[typeName];
    for (const sel of selections) {
      for (const d of sel.directives) Object.values(d.args).forEach((v) => usedVariables(v, this.used));
      if (sel.kind === 'inline' || sel.kind === 'spread') {
        let cond: string | undefined;
        let inner: Selection[];
        if (sel.kind === 'spread') {
          const frag = this.doc.fragments.get(sel.name);
          if (!frag) { this.errors.push({ message: `Fragment ${sel.name} was used, but not defined`, locations: [sel.loc], path }); continue; }
          if (seenFragments.has(sel.name)) continue;
          cond = frag.typeCondition;
          inner = frag.selections;
          seenFragments = new Set([...seenFragments, sel.name]);
        } else {
          cond = sel.typeCondition;
          inner = sel.selections;
        }
        const target = cond ?? typeName;
        if (!TYPES[target]) { this.errors.push({ message: `No such type ${target}, so it can't be a fragment condition`, locations: [sel.loc], path }); continue; }
        const overlap = possibleTypes(target).some((t) => possibleTypes(typeName).includes(t));
        if (!overlap) { this.errors.push({ message: `Fragment on ${target} can't be spread inside ${typeName}`, locations: [sel.loc], path }); continue; }
        this.selections(target, inner, [...path, `... on ${target}`], seenFragments);
        continue;
      }
      const fieldPath = [...path, sel.alias ?? sel.name];
      if (sel.name === '__typename') continue;
      const field = def.fields[sel.name];
      if (!field) {
        this.errors.push({
          path: fieldPath, locations: [sel.loc], message: `Field '${sel.name}' doesn't exist on type '${typeName}'`,
          extensions: { code: 'undefinedField', typeName, fieldName: sel.name }
        });
        continue;
      }
      const declared = field.args ?? {};
      for (const [argName, v] of Object.entries(sel.args)) {
        usedVariables(v, this.used);
        if (!(argName in declared)) {
          this.errors.push({
            path: [...fieldPath, argName], locations: [sel.loc], message: `Field '${sel.name}' doesn't accept argument '${argName}'`,
            extensions: { code: 'argumentNotAccepted', name: sel.name, typeName: 'Field', argumentName: argName }
          });
        }
      }
      const missing = Object.entries(declared).filter(([n, t]) => t.endsWith('!') && !(n in sel.args)).map(([n]) => n);
      if (missing.length) {
        this.errors.push({
          path: fieldPath, locations: [sel.loc], message: `Field '${sel.name}' is missing required arguments: ${missing.join(', ')}`,
          extensions: { code: 'missingRequiredArguments', className: 'Field', name: sel.name, arguments: missing.join(', ') }
        });
      }
      const ret = namedType(field.type);
      const composite = TYPES[ret] !== undefined;
      if (composite && !sel.selections) {
        this.errors.push({
          path: fieldPath, locations: [sel.loc],
          message: `Field must have selections (field '${sel.name}' returns ${ret} but has no selections. Did you mean '${sel.name} { ... }'?)`,
          extensions: { code: 'selectionMismatch', nodeName: `field '${sel.name}'`, typeName: ret }
        });
      } else if (!composite && sel.selections) {
        this.errors.push({
          path: fieldPath, locations: [sel.loc],
          message: `Selections can't be made on scalars (field '${sel.name}' returns ${ret} but has selections [${sel.selections.map((s) => (s.kind === 'field' ? s.name : '...')).join(', ')}])`,
          extensions: { code: 'selectionMismatch', nodeName: `field '${sel.name}'`, typeName: ret }
        });
      } else if (composite && sel.selections) {
        this.selections(ret, sel.selections, fieldPath, seenFragments);
      }
    }
  }
}

class Executor {
  readonly errors: GqlErrorJson[] = [];
  constructor(private readonly doc: DocumentNode, private readonly vars: Record<string, unknown>, private readonly ctx: GraphqlContext) {}

  private included(directives: Directive[]): boolean {
    for (const d of directives) {
      const cond = d.args.if ? Boolean(valueToJs(d.args.if, this.vars)) : true;
      if (d.name === 'skip' && cond) return false;
      if (d.name === 'include' && !cond) return false;
    }
    return true;
  }

  private collect(runtimeType: string, selections: Selection[], out: FieldNode[]): void {
    for (const sel of selections) {
      if (!this.included(sel.directives)) continue;
      if (sel.kind === 'field') { out.push(sel); continue; }
      const cond = sel.kind === 'spread' ? this.doc.fragments.get(sel.name)?.typeCondition : sel.typeCondition;
      const inner = sel.kind === 'spread' ? this.doc.fragments.get(sel.name)?.selections ?? [] : sel.selections;
      if (cond === undefined || possibleTypes(cond).includes(runtimeType)) this.collect(runtimeType, inner, out);
    }
  }

  object(typeName: string, src: Source, selections: Selection[], path: (string | number)[]): Record<string, unknown> {
    const runtimeType = typeof src.__typename === 'string' ? src.__typename : typeName;
    const def = TYPES[runtimeType] ?? TYPES[typeName];
    const fields: FieldNode[] = [];
    this.collect(runtimeType, selections, fields);
    const result: Record<string, unknown> = {};
    for (const f of fields) {
      const key = f.alias ?? f.name;
      if (f.name === '__typename') { result[key] = runtimeType; continue; }
      const field = def.fields[f.name];
      const fieldPath = [...path, key];
      let value: unknown;
      try {
        const args: Record<string, unknown> = {};
        for (const [n, t] of Object.entries(field.args ?? {})) {
          const raw = f.args[n] ? valueToJs(f.args[n], this.vars) : undefined;
          args[n] = coerceInput(t, raw, `Argument '${n}' on Field '${f.name}'`);
        }
        value = field.resolve ? field.resolve(src, args, this.ctx) : src[f.name];
      } catch (e) {
        const err = e instanceof GqlError ? e : new GqlError('ARGUMENT_ERROR', (e as Error).message);
        this.errors.push({ type: err.type, path: fieldPath, locations: [f.loc], message: err.message });
        result[key] = null;
        continue;
      }
      result[key] = this.complete(field.type, value, f, fieldPath);
    }
    return result;
  }

  private complete(type: string, value: unknown, f: FieldNode, path: (string | number)[]): unknown {
    if (value === null || value === undefined) return null;
    if (isList(type)) {
      const item = type.replace(/!$/, '').slice(1, -1);
      return (value as unknown[]).map((v, i) => this.complete(item, v, f, [...path, i]));
    }
    const named = namedType(type);
    if (TYPES[named]) return this.object(named, value as Source, f.selections ?? [], path);
    return value;
  }
}

export interface GraphqlResult {
  body: Record<string, unknown>;
  /** True for requests GitHub would answer with 200 + errors because the query itself is invalid. */
  invalid: boolean;
}

/** Runs one GraphQL request body ({query, variables, operationName}) against the state. */
export function executeGraphql(request: unknown, ctx: GraphqlContext): GraphqlResult {
  const fail = (message: string, extra: Partial<GqlErrorJson> = {}): GraphqlResult => {
    ctx.violation(`graphql: ${message}`);
    return { body: { errors: [{ message, ...extra }] }, invalid: true };
  };
  if (!request || typeof request !== 'object' || typeof (request as Source).query !== 'string') {
    return fail('A query attribute must be specified and must be a string.');
  }
  const { query, variables, operationName } = request as { query: string; variables?: unknown; operationName?: unknown };
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return fail('Variables must be an object');
  let doc: DocumentNode;
  try {
    doc = parseGraphql(query);
  } catch (e) {
    if (e instanceof GraphqlSyntaxError) return fail(e.message, { locations: [e.loc] });
    throw e;
  }
  const op = typeof operationName === 'string' ? doc.operations.find((o) => o.name === operationName) : doc.operations.length === 1 ? doc.operations[0] : undefined;
  if (!op) return fail(doc.operations.length === 0 ? 'No operations in query document' : 'An operation name is required');
  if (op.operation === 'subscription') return fail("Schema is not configured for subscriptions");
  const rootType = op.operation === 'mutation' ? 'Mutation' : 'Query';
  const validator = new Validator(doc);
  validator.selections(rootType, op.selections, [op.operation + (op.name ? ` ${op.name}` : '')], new Set());
  const declared = new Map(op.variables.map((v) => [v.name, v]));
  for (const name of validator.used) {
    if (!declared.has(name)) validator.errors.push({ message: `Variable $${name} is used by ${op.name ?? 'anonymous ' + op.operation} but not declared`, extensions: { code: 'variableNotDefined', variableName: name } });
  }
  for (const v of op.variables) {
    if (!validator.used.has(v.name)) validator.errors.push({ message: `Variable $${v.name} is declared by ${op.name ?? 'anonymous ' + op.operation} but not used`, extensions: { code: 'variableNotUsed', variableName: v.name } });
  }
  const vars: Record<string, unknown> = {};
  const given = (variables ?? {}) as Record<string, unknown>;
  for (const v of op.variables) {
    const raw = v.name in given ? given[v.name] : v.defaultValue ? valueToJs(v.defaultValue, {}) : undefined;
    try {
      vars[v.name] = coerceInput(v.type, raw, `Variable $${v.name} of type ${v.type}`);
    } catch (e) {
      validator.errors.push({ message: `Variable $${v.name} of type ${v.type} was provided invalid value`, extensions: { value: raw ?? null, problems: [{ path: [], explanation: (e as Error).message }] } });
    }
  }
  if (validator.errors.length) {
    for (const e of validator.errors) ctx.violation(`graphql: ${e.message}`);
    return { body: { errors: validator.errors }, invalid: true };
  }
  const exec = new Executor(doc, vars, ctx);
  const data = exec.object(rootType, {}, op.selections, []);
  const body: Record<string, unknown> = { data };
  if (exec.errors.length) body.errors = exec.errors;
  return { body, invalid: false };
}
