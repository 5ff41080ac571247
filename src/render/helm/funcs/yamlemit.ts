/**
 * A port of go-yaml's emitter (emitterc.go, itself a port of libyaml) restricted to what Go's yaml.v2 / yaml.v3
 * `Marshal` produce for plain data: block mappings and sequences, `{}`/`[]` for empty collections, implicit
 * scalars in plain, single-quoted, double-quoted and literal styles, no anchors, tags or comments.
 *
 * Column accounting, line folding (`best_width` 80 in yaml.v2, unlimited in yaml.v3), indentation, simple-key
 * checks (keys longer than 128 bytes or multi-line become `? key`), scalar analysis (which styles are allowed)
 * and the character classes (`is_printable`, `is_break`, ...) follow the Go code line by line, working on
 * Unicode code points instead of UTF-8 bytes (every `write` advances the column by one character, as in Go).
 *
 * The two flavours:
 *  - 'v2' (gopkg.in/yaml.v2 / go.yaml.in/yaml/v2 as used by sigs.k8s.io/yaml, i.e. Helm's toYaml): sequences are
 *    not indented inside mappings, lines are folded at 80 columns, tabs make a string double-quoted.
 *  - 'v3' (goyaml.v3 with SetIndent(2), Helm's toYamlPretty): sequences indented, no folding, tabs allowed in
 *    literal blocks.
 */

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

/** A node of the document to emit, already in output order. */
export type YEvent =
  | { t: 'scalar'; value: string; style: ScalarStyle }
  | { t: 'seq-start' }
  | { t: 'seq-end' }
  | { t: 'map-start' }
  | { t: 'map-end' };

export type Flavour = 'v2' | 'v3';

type State =
  | 'doc-content' | 'doc-end' | 'end'
  | 'flow-seq-first' | 'flow-seq-item'
  | 'flow-map-first' | 'flow-map-key' | 'flow-map-simple-value' | 'flow-map-value'
  | 'block-seq-first' | 'block-seq-item'
  | 'block-map-first' | 'block-map-key' | 'block-map-simple-value' | 'block-map-value';

const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
const SP = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

function isBreakCp(c: number | undefined): boolean {
  return c === CR || c === LF || c === 0x85 || c === 0x2028 || c === 0x2029;
}
function isSpaceCp(c: number | undefined): boolean {
  return c === SP;
}
function isBlankCp(c: number | undefined): boolean {
  return c === SP || c === TAB;
}
/** is_blankz: blank, break, NUL, or past the end. */
function isBlankzCp(c: number | undefined): boolean {
  return c === undefined || c === 0 || isBlankCp(c) || isBreakCp(c);
}
/** go-yaml's is_printable translated from UTF-8 byte tests to code points. */
export function isPrintableCp(c: number): boolean {
  return c === LF || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

interface ScalarData {
  value: number[];
  text: string;
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
  style: ScalarStyle;
}

export class GoYamlEmitter {
  private out: string[] = [];
  private column = 0;
  private indent = -1;
  private indents: number[] = [];
  private states: State[] = [];
  private state: State = 'doc-content';
  private flowLevel = 0;
  private rootContext = false;
  private sequenceContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private readonly bestIndent = 2;
  private readonly bestWidth: number;
  private readonly v3: boolean;
  private events: YEvent[] = [];
  private head = 0;
  private sd: ScalarData = emptyScalarData();

  constructor(flavour: Flavour = 'v2') {
    this.v3 = flavour === 'v3';
    this.bestWidth = this.v3 ? 2 ** 31 - 1 : 80;
  }

  /** Emit one implicit document holding `events` (a single node) and return the text (ends with a newline). */
  emitDocument(events: YEvent[]): string {
    this.events = events;
    this.head = 0;
    this.state = 'doc-content';
    while (this.head < this.events.length) {
      const ev = this.events[this.head];
      this.analyzeEvent(ev);
      this.stateMachine(ev);
      this.head++;
    }
    // DOCUMENT-END (implicit)
    if ((this.state as State) !== 'doc-end') throw new Error('yaml emitter: unbalanced events');
    this.writeIndent();
    return this.out.join('');
  }

  // ------------------------------------------------------------------ low-level writers

  private put(ch: string): void {
    this.out.push(ch);
    this.column++;
  }
  private putBreak(): void {
    this.out.push('\n');
    this.column = 0;
    if (this.v3) this.indention = true;
  }
  private write(cp: number): void {
    this.out.push(cp < 0x80 ? ASCII[cp] : String.fromCodePoint(cp));
    this.column++;
  }
  private writeBreak(cp: number): void {
    if (cp === LF) {
      this.putBreak();
    } else {
      this.write(cp);
      this.column = 0;
      if (this.v3) this.indention = true;
    }
  }
  private writeAll(s: string): void {
    for (const ch of s) this.put(ch);
  }

  private writeIndent(): void {
    const indent = this.indent < 0 ? 0 : this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.writeAll(ind);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (!indentless) {
      this.indent += this.bestIndent;
    }
  }

  private popIndent(): void {
    this.indent = this.indents.pop() as number;
  }
  private popState(): void {
    this.state = this.states.pop() as State;
  }

  // ------------------------------------------------------------------ state machine

  private stateMachine(ev: YEvent): void {
    switch (this.state) {
      case 'doc-content':
        this.states.push('doc-end');
        this.emitNode(ev, true, false, false, false);
        return;
      case 'flow-seq-first': return this.emitFlowSequenceItem(ev, true);
      case 'flow-seq-item': return this.emitFlowSequenceItem(ev, false);
      case 'flow-map-first': return this.emitFlowMappingKey(ev, true);
      case 'flow-map-key': return this.emitFlowMappingKey(ev, false);
      case 'flow-map-simple-value': return this.emitFlowMappingValue(ev, true);
      case 'flow-map-value': return this.emitFlowMappingValue(ev, false);
      case 'block-seq-first': return this.emitBlockSequenceItem(ev, true);
      case 'block-seq-item': return this.emitBlockSequenceItem(ev, false);
      case 'block-map-first': return this.emitBlockMappingKey(ev, true);
      case 'block-map-key': return this.emitBlockMappingKey(ev, false);
      case 'block-map-simple-value': return this.emitBlockMappingValue(ev, true);
      case 'block-map-value': return this.emitBlockMappingValue(ev, false);
      default:
        throw new Error('yaml emitter: expected nothing after the document');
    }
  }

  private emitFlowSequenceItem(ev: YEvent, first: boolean): void {
    if (first) {
      this.writeIndicator('[', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (ev.t === 'seq-end') {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator(']', false, false, false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(',', false, false, false);
    if (this.column > this.bestWidth) this.writeIndent();
    this.states.push('flow-seq-item');
    this.emitNode(ev, false, true, false, false);
  }

  private emitFlowMappingKey(ev: YEvent, first: boolean): void {
    if (first) {
      this.writeIndicator('{', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (ev.t === 'map-end') {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator('}', false, false, false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(',', false, false, false);
    if (this.column > this.bestWidth) this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push('flow-map-simple-value');
      this.emitNode(ev, false, false, true, true);
      return;
    }
    this.writeIndicator('?', true, false, false);
    this.states.push('flow-map-value');
    this.emitNode(ev, false, false, true, false);
  }

  private emitFlowMappingValue(ev: YEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      if (this.column > this.bestWidth) this.writeIndent();
      this.writeIndicator(':', true, false, false);
    }
    this.states.push('flow-map-key');
    this.emitNode(ev, false, false, true, false);
  }

  private emitBlockSequenceItem(ev: YEvent, first: boolean): void {
    if (first) this.increaseIndent(false, !this.v3 && this.mappingContext && !this.indention);
    if (ev.t === 'seq-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    this.states.push('block-seq-item');
    this.emitNode(ev, false, true, false, false);
  }

  private emitBlockMappingKey(ev: YEvent, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (ev.t === 'map-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push('block-map-simple-value');
      this.emitNode(ev, false, false, true, true);
      return;
    }
    this.writeIndicator('?', true, false, true);
    this.states.push('block-map-value');
    this.emitNode(ev, false, false, true, false);
  }

  private emitBlockMappingValue(ev: YEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    this.states.push('block-map-key');
    this.emitNode(ev, false, false, true, false);
  }

  private emitNode(ev: YEvent, root: boolean, sequence: boolean, mapping: boolean, simpleKey: boolean): void {
    this.rootContext = root;
    this.sequenceContext = sequence;
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    switch (ev.t) {
      case 'scalar':
        this.selectScalarStyle(ev);
        this.increaseIndent(true, false);
        this.processScalar();
        this.popIndent();
        this.popState();
        return;
      case 'seq-start':
        this.state = this.flowLevel > 0 || this.checkEmpty('seq-end') ? 'flow-seq-first' : 'block-seq-first';
        return;
      case 'map-start':
        this.state = this.flowLevel > 0 || this.checkEmpty('map-end') ? 'flow-map-first' : 'block-map-first';
        return;
      default:
        throw new Error(`yaml emitter: expected SCALAR, SEQUENCE-START or MAPPING-START, got ${ev.t}`);
    }
  }

  private checkEmpty(endType: 'seq-end' | 'map-end'): boolean {
    const next = this.events[this.head + 1];
    return next !== undefined && next.t === endType;
  }

  private checkSimpleKey(): boolean {
    const ev = this.events[this.head];
    switch (ev.t) {
      case 'scalar':
        if (this.sd.multiline) return false;
        return Buffer.byteLength(ev.value, 'utf8') <= 128;
      case 'seq-start':
        return this.checkEmpty('seq-end');
      case 'map-start':
        return this.checkEmpty('map-end');
      default:
        return false;
    }
  }

  private selectScalarStyle(ev: { style: ScalarStyle }): void {
    let style = ev.style;
    if (this.simpleKeyContext && this.sd.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !this.sd.flowPlainAllowed) || (this.flowLevel === 0 && !this.sd.blockPlainAllowed)) {
        style = 'single';
      }
      if (this.sd.value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single';
    }
    if (style === 'single' && !this.sd.singleQuotedAllowed) style = 'double';
    if (style === 'literal') {
      if (!this.sd.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext) style = 'double';
    }
    this.sd.style = style;
  }

  private processScalar(): void {
    const allowBreaks = !this.simpleKeyContext;
    switch (this.sd.style) {
      case 'plain': return this.writePlain(this.sd.value, allowBreaks);
      case 'single': return this.writeSingleQuoted(this.sd.value, allowBreaks);
      case 'double': return this.writeDoubleQuoted(this.sd.value, allowBreaks);
      case 'literal': return this.writeLiteral(this.sd.value);
    }
  }

  // ------------------------------------------------------------------ analysis

  private analyzeEvent(ev: YEvent): void {
    if (ev.t === 'scalar') this.sd = this.analyzeScalar(ev.value);
  }

  private analyzeScalar(text: string): ScalarData {
    const value = Array.from(text, (ch) => ch.codePointAt(0) as number);
    const sd: ScalarData = { ...emptyScalarData(), value, text };
    if (value.length === 0) {
      sd.multiline = false;
      sd.flowPlainAllowed = false;
      sd.blockPlainAllowed = true;
      sd.singleQuotedAllowed = true;
      sd.blockAllowed = false;
      return sd;
    }
    let blockIndicators = false;
    let flowIndicators = false;
    let lineBreaks = false;
    let specialCharacters = false;
    let tabCharacters = false;
    let leadingSpace = false;
    let leadingBreak = false;
    let trailingSpace = false;
    let trailingBreak = false;
    let breakSpace = false;
    let spaceBreak = false;
    let precededByWhitespace: boolean;
    let followedByWhitespace: boolean;
    let previousSpace = false;
    let previousBreak = false;

    if (text.startsWith('---') || text.startsWith('...')) {
      blockIndicators = true;
      flowIndicators = true;
    }
    precededByWhitespace = true;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      const c = value[i];
      followedByWhitespace = i + 1 >= n || isBlankCp(value[i + 1]);
      if (i === 0) {
        switch (c) {
          case 0x23: case 0x2c: case 0x5b: case 0x5d: case 0x7b: case 0x7d: case 0x26: case 0x2a: case 0x21:
          case 0x7c: case 0x3e: case 0x27: case 0x22: case 0x25: case 0x40: case 0x60:
            flowIndicators = true;
            blockIndicators = true;
            break;
          case 0x3f: case 0x3a:
            flowIndicators = true;
            if (followedByWhitespace) blockIndicators = true;
            break;
          case 0x2d:
            if (followedByWhitespace) {
              flowIndicators = true;
              blockIndicators = true;
            }
            break;
        }
      } else {
        switch (c) {
          case 0x2c: case 0x3f: case 0x5b: case 0x5d: case 0x7b: case 0x7d:
            flowIndicators = true;
            break;
          case 0x3a:
            flowIndicators = true;
            if (followedByWhitespace) blockIndicators = true;
            break;
          case 0x23:
            if (precededByWhitespace) {
              flowIndicators = true;
              blockIndicators = true;
            }
            break;
        }
      }
      if (this.v3 && c === TAB) {
        tabCharacters = true;
      } else if (!isPrintableCp(c)) {
        specialCharacters = true;
      }
      if (isSpaceCp(c)) {
        if (i === 0) leadingSpace = true;
        if (i + 1 === n) trailingSpace = true;
        if (previousBreak) breakSpace = true;
        previousSpace = true;
        previousBreak = false;
      } else if (isBreakCp(c)) {
        lineBreaks = true;
        if (i === 0) leadingBreak = true;
        if (i + 1 === n) trailingBreak = true;
        if (previousSpace) spaceBreak = true;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = isBlankzCp(c);
    }
    sd.multiline = lineBreaks;
    sd.flowPlainAllowed = true;
    sd.blockPlainAllowed = true;
    sd.singleQuotedAllowed = true;
    sd.blockAllowed = true;
    if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
      sd.flowPlainAllowed = false;
      sd.blockPlainAllowed = false;
    }
    if (trailingSpace) sd.blockAllowed = false;
    if (breakSpace) {
      sd.flowPlainAllowed = false;
      sd.blockPlainAllowed = false;
      sd.singleQuotedAllowed = false;
    }
    if (spaceBreak || tabCharacters || specialCharacters) {
      sd.flowPlainAllowed = false;
      sd.blockPlainAllowed = false;
      sd.singleQuotedAllowed = false;
    }
    if (spaceBreak || specialCharacters) sd.blockAllowed = false;
    if (lineBreaks) {
      sd.flowPlainAllowed = false;
      sd.blockPlainAllowed = false;
    }
    if (flowIndicators) sd.flowPlainAllowed = false;
    if (blockIndicators) sd.blockPlainAllowed = false;
    return sd;
  }

  // ------------------------------------------------------------------ scalar writers

  private writePlain(value: number[], allowBreaks: boolean): void {
    if ((!this.v3 || value.length > 0) && !this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; ) {
      const c = value[i];
      if (isSpaceCp(c)) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && !isSpaceCp(value[i + 1])) {
          this.writeIndent();
          i++;
        } else {
          this.write(c);
          i++;
        }
        spaces = true;
      } else if (isBreakCp(c)) {
        if (!breaks && c === LF) this.putBreak();
        this.writeBreak(c);
        i++;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        i++;
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (!this.v3 || value.length > 0) this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  private writeSingleQuoted(value: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    const n = value.length;
    for (let i = 0; i < n; ) {
      const c = value[i];
      if (isSpaceCp(c)) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < n - 1 && !isSpaceCp(value[i + 1])) {
          this.writeIndent();
          i++;
        } else {
          this.write(c);
          i++;
        }
        spaces = true;
      } else if (isBreakCp(c)) {
        if (!breaks && c === LF) this.putBreak();
        this.writeBreak(c);
        i++;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.write(c);
        i++;
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: number[], allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    const n = value.length;
    for (let i = 0; i < n; ) {
      const c = value[i];
      if (!isPrintableCp(c) || c === 0xfeff || isBreakCp(c) || c === 0x22 || c === 0x5c) {
        i++;
        this.put('\\');
        switch (c) {
          case 0x00: this.put('0'); break;
          case 0x07: this.put('a'); break;
          case 0x08: this.put('b'); break;
          case 0x09: this.put('t'); break;
          case 0x0a: this.put('n'); break;
          case 0x0b: this.put('v'); break;
          case 0x0c: this.put('f'); break;
          case 0x0d: this.put('r'); break;
          case 0x1b: this.put('e'); break;
          case 0x22: this.put('"'); break;
          case 0x5c: this.put('\\'); break;
          case 0x85: this.put('N'); break;
          case 0xa0: this.put('_'); break;
          case 0x2028: this.put('L'); break;
          case 0x2029: this.put('P'); break;
          default: {
            let w: number;
            if (c <= 0xff) {
              this.put('x');
              w = 2;
            } else if (c <= 0xffff) {
              this.put('u');
              w = 4;
            } else {
              this.put('U');
              w = 8;
            }
            const hex = c.toString(16).toUpperCase().padStart(w, '0');
            for (const h of hex) this.put(h);
          }
        }
        spaces = false;
      } else if (isSpaceCp(c)) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < n - 1) {
          this.writeIndent();
          if (isSpaceCp(value[i + 1])) this.put('\\');
          i++;
        } else {
          this.write(c);
          i++;
        }
        spaces = true;
      } else {
        this.write(c);
        i++;
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeBlockScalarHints(value: number[]): void {
    if (isSpaceCp(value[0]) || isBreakCp(value[0])) {
      this.writeIndicator(String(this.bestIndent), false, false, false);
    }
    this.openEnded = false;
    let chomp = '';
    const n = value.length;
    if (n === 0) {
      chomp = '-';
    } else if (!isBreakCp(value[n - 1])) {
      chomp = '-';
    } else if (n === 1) {
      chomp = '+';
      this.openEnded = true;
    } else if (isBreakCp(value[n - 2])) {
      chomp = '+';
      this.openEnded = true;
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }

  private writeLiteral(value: number[]): void {
    this.writeIndicator('|', true, false, false);
    this.writeBlockScalarHints(value);
    if (!this.v3) {
      this.putBreak();
      this.indention = true;
    }
    this.whitespace = true;
    let breaks = true;
    for (let i = 0; i < value.length; ) {
      const c = value[i];
      if (isBreakCp(c)) {
        this.writeBreak(c);
        i++;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        i++;
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function emptyScalarData(): ScalarData {
  return {
    value: [], text: '', multiline: false, flowPlainAllowed: false, blockPlainAllowed: false,
    singleQuotedAllowed: false, blockAllowed: false, style: 'plain'
  };
}
