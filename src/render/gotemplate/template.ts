/**
 * The Template type (port of text/template's template.go / option.go / helper API):
 * a set of associated named templates sharing functions and options.
 */
import { TemplateError } from './errors.js';
import { BUILTINS, isBuiltinName } from './builtins.js';
import {
  DEFAULT_MAX_DEPTH, ExecLimits, ExecTemplate, MissingKeyMode, ProvenanceSegment, executeTemplate
} from './exec.js';
import { goQuote } from './lexer.js';
import { ListNode, TreeInfo, isEmptyTree } from './parse/nodes.js';
import { ParsedTree, parseTemplate } from './parser.js';
import { GoFuncValue, GoValue, fromJS } from './values.js';

export type FuncMap = Record<string, GoFuncValue>;

export interface TemplateOptions {
  /** Go option strings, e.g. 'missingkey=zero'. */
  options?: string[];
  funcs?: FuncMap;
  delims?: [string, string];
}

export interface ExecuteOptions extends ExecLimits {
  /** Record provenance segments (see executeWithProvenance). */
  provenance?: boolean;
}

class Common {
  tmpl = new Map<string, Template>();
  funcs: FuncMap = {};
  missingKey: MissingKeyMode = 'invalid';
}

const GOOD_NAME = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

export class Template implements ExecTemplate {
  private common: Common;
  private tree: ParsedTree | null = null;
  private leftDelim = '';
  private rightDelim = '';

  constructor(readonly name: string, options: TemplateOptions = {}) {
    this.common = new Common();
    if (options.delims) this.delims(options.delims[0], options.delims[1]);
    if (options.funcs) this.funcs(options.funcs);
    for (const o of options.options ?? []) this.option(o);
  }

  // ---------------------------------------------------------------- ExecTemplate

  get root(): ListNode | null {
    return this.tree ? this.tree.root : null;
  }

  get info(): TreeInfo | null {
    return this.tree ? this.tree.info : null;
  }

  get missingKey(): MissingKeyMode {
    return this.common.missingKey;
  }

  get publicTemplate(): Template {
    return this;
  }

  findFunc(name: string): { fn: GoFuncValue; builtin: boolean } | undefined {
    const f = this.common.funcs[name];
    if (f && Object.prototype.hasOwnProperty.call(this.common.funcs, name)) return { fn: f, builtin: false };
    if (isBuiltinName(name)) return { fn: BUILTINS[name], builtin: true };
    return undefined;
  }

  cloneWithText(name: string, text: string): Template {
    // Helm's tpl: parent.Clone(), then New(name).Parse(text), and that new template is executed. An empty text does
    // not replace a same-named template in the set, but the new template still holds (and runs) its empty tree.
    const t = this.clone().new(name);
    t.parse(text);
    return t;
  }

  // ---------------------------------------------------------------- API

  /** Create a new template associated with this one (same set, funcs, options and delimiters). */
  new(name: string): Template {
    const t = Object.create(Template.prototype) as Template;
    (t as { name: string }).name = name;
    t.common = this.common;
    t.tree = null;
    t.leftDelim = this.leftDelim;
    t.rightDelim = this.rightDelim;
    return t;
  }

  /** Set the action delimiters for subsequent parse calls ('' means the default {{ and }}). */
  delims(left: string, right: string): this {
    this.leftDelim = left;
    this.rightDelim = right;
    return this;
  }

  /** Set options: 'missingkey=default|invalid|zero|error'. */
  option(...opts: string[]): this {
    for (const opt of opts) {
      if (opt === '') throw new TemplateError('empty option string', 'api');
      const eq = opt.indexOf('=');
      if (eq > 0 && opt.slice(0, eq) === 'missingkey') {
        const v = opt.slice(eq + 1);
        if (v === 'invalid' || v === 'default') {
          this.common.missingKey = 'invalid';
          continue;
        }
        if (v === 'zero' || v === 'error') {
          this.common.missingKey = v;
          continue;
        }
      }
      throw new TemplateError('unrecognized option: ' + opt, 'api');
    }
    return this;
  }

  /**
   * Add functions to the set. Each function receives evaluated Go values and returns a Go value
   * (see GoFuncValue in values.ts; `this` is a CallContext). Must be called before parse() for
   * the parser to accept the names.
   */
  funcs(map: FuncMap): this {
    for (const [name, fn] of Object.entries(map)) {
      if (!GOOD_NAME.test(name)) throw new TemplateError(`function name ${goQuote(name)} is not a valid identifier`, 'api');
      if (typeof fn !== 'function') throw new TemplateError(`value for ${name} not a function`, 'api');
      this.common.funcs[name] = fn;
    }
    return this;
  }

  /** Parse text as the body of this template; {{define}}/{{block}} add further templates to the set. */
  parse(text: string): this {
    const trees = parseTemplate(this.name, text, {
      leftDelim: this.leftDelim,
      rightDelim: this.rightDelim,
      hasFunction: (n) => isBuiltinName(n) || Object.prototype.hasOwnProperty.call(this.common.funcs, n)
    });
    for (const [name, tree] of trees) this.addParseTree(name, tree);
    return this;
  }

  /** Go's AddParseTree (with associate's "an empty template does not replace a non-empty one"). */
  addParseTree(name: string, tree: ParsedTree): Template {
    const nt = name === this.name ? this : this.new(name);
    const old = this.common.tmpl.get(name);
    let replaced = true;
    if (old && isEmptyTree(tree.root) && old.tree) replaced = false;
    else this.common.tmpl.set(name, nt);
    if (replaced || nt.tree === null) nt.tree = tree;
    return nt;
  }

  /** The template with the given name in this set. */
  lookup(name: string): Template | undefined {
    return this.common.tmpl.get(name);
  }

  /** All templates of the set (including this one when it has been parsed). */
  templates(): Template[] {
    return [...this.common.tmpl.values()];
  }

  /** Go's DefinedTemplates(): "; defined templates are: ..." or "". */
  definedTemplates(): string {
    const names = [...this.common.tmpl.values()].filter((t) => t.tree).map((t) => goQuote(t.name));
    return names.length ? '; defined templates are: ' + names.join(', ') : '';
  }

  /** A copy of the set; later parses into the copy do not affect the original and vice versa. */
  clone(): Template {
    const c = new Common();
    c.funcs = { ...this.common.funcs };
    c.missingKey = this.common.missingKey;
    const nt = this.new(this.name);
    nt.common = c;
    nt.tree = this.tree;
    for (const [k, v] of this.common.tmpl) {
      if (k === this.name) {
        c.tmpl.set(k, nt);
        continue;
      }
      const tmpl = nt.new(k);
      tmpl.tree = v.tree;
      tmpl.leftDelim = v.leftDelim;
      tmpl.rightDelim = v.rightDelim;
      c.tmpl.set(k, tmpl);
    }
    return nt;
  }

  /** The parse tree printed back (Go's Tree.Root.String()). */
  treeString(): string {
    return this.tree ? this.tree.root.String() : '';
  }

  /** Execute this template with `data` and return the output. Throws TemplateError. */
  execute(data: GoValue | unknown, opts: ExecuteOptions = {}): string {
    return executeTemplate(this, toGo(data), opts, false).output;
  }

  /** Execute the named template of this set. */
  executeTemplate(name: string, data: GoValue | unknown, opts: ExecuteOptions = {}): string {
    return this.executeNamed(name, data, opts, false).output;
  }

  /**
   * Execute and record, for every piece of output, the template name, source (parse name) and source line
   * that produced it. Segments are in output order and cover every output character.
   */
  executeWithProvenance(data: GoValue | unknown, opts: ExecuteOptions & { name?: string } = {}): { output: string; segments: ProvenanceSegment[] } {
    const r = opts.name !== undefined ? this.executeNamed(opts.name, data, opts, true) : executeTemplate(this, toGo(data), opts, true);
    return { output: r.output, segments: r.segments ?? [] };
  }

  private executeNamed(name: string, data: unknown, opts: ExecuteOptions, provenance: boolean): { output: string; segments: ProvenanceSegment[] | null } {
    const t = this.lookup(name);
    if (!t) {
      throw new TemplateError(`template: no template ${goQuote(name)} associated with template ${goQuote(this.name)}`, 'exec', name);
    }
    return executeTemplate(t, toGo(data), opts, provenance);
  }
}

export { DEFAULT_MAX_DEPTH };

function toGo(data: unknown): GoValue {
  if (data === undefined) return null;
  if (data !== null && typeof data === 'object' && Object.getPrototypeOf(data) === Object.prototype) {
    return fromJS(data, 'float64');
  }
  return data as GoValue;
}
