/**
 * A YAML stream split into documents, every scalar kept as its text (the failsafe schema), for the readers that
 * resolve scalars themselves: Kubernetes objects (yaml-source.ts) and kustomizations (go-yaml.ts).
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { InputError } from '../repo/files.js';

/** One syntactically valid document of a stream, with where its content starts. */
export interface StreamDocument {
  doc: Document.Parsed;
  /** 0-based position in the stream. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** Offset where the document's content starts. */
  offset: number;
}

/**
 * Splits a YAML stream into documents under a document-count limit, every scalar kept as its text (the failsafe
 * schema: readers resolve them). A document with a syntax error is an InputError naming the file and line; the
 * good documents around it are kept.
 */
export function parseStream(text: string, file: string, options: { maxDocuments: number }): { documents: StreamDocument[]; errors: InputError[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const errors: InputError[] = [];
  let docs: Document.Parsed[];
  try {
    // logLevel 'error': the library prints nothing itself (its warnings name no file); what matters is reported here.
    docs = parseAllDocuments(text, { lineCounter, schema: 'failsafe', uniqueKeys: false, prettyErrors: true, logLevel: 'error' }) as Document.Parsed[];
  } catch (err) {
    return { documents: [], errors: [new InputError(file, `cannot parse YAML: ${(err as Error).message}`, 'invalid-yaml')], lineCounter };
  }
  if (!Array.isArray(docs)) docs = [docs];
  if (docs.length > options.maxDocuments) {
    errors.push(new InputError(file, `${docs.length} YAML documents, over the limit of ${options.maxDocuments}; only the first ${options.maxDocuments} are read`, 'invalid-yaml'));
    docs = docs.slice(0, options.maxDocuments);
  }
  const documents: StreamDocument[] = [];
  docs.forEach((doc, index) => {
    const offset = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    const line = lineCounter.linePos(offset).line;
    const problem = doc.errors[0];
    if (problem) {
      const pos = problem.linePos?.[0];
      const message = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      errors.push(new InputError(file, `invalid YAML in document ${index + 1}: ${message}`, 'invalid-yaml', pos?.line ?? line, pos?.col));
      return;
    }
    documents.push({ doc, index, line, offset });
  });
  return { documents, errors, lineCounter };
}
