/**
 * Errors raised by the Go text/template engine. `message` is worded as Go words it
 * (e.g. `template: name:1:5: executing "name" at <.X>: ...`).
 */
export type TemplateErrorKind = 'parse' | 'exec' | 'limit' | 'api';

export class TemplateError extends Error {
  readonly kind: TemplateErrorKind;
  /** Name of the template being executed/parsed when the error happened. */
  readonly templateName: string | undefined;
  /** Output produced before an execution error (Go writes it to the writer before failing). */
  partialOutput?: string;
  constructor(message: string, kind: TemplateErrorKind = 'exec', templateName?: string) {
    super(message);
    this.name = 'TemplateError';
    this.kind = kind;
    this.templateName = templateName;
  }
}

/** Thrown by template functions to report an error that should be wrapped as `error calling NAME: msg`. */
export class FuncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuncError';
  }
}
