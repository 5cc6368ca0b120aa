import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, Scalar } from 'yaml';
import { compareDiagnostics, Diagnostic } from './diagnostic';

/** A node, or a 0-based offset into the source, that a diagnostic points at. */
export type YamlAnchor = Node | number;

/** One `key: value` of a mapping; `value` is null for `key:` with nothing after it. */
export interface YamlField {
  readonly name: string;
  readonly key: Scalar;
  readonly value: Node | null;
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Reads a parsed YAML document node by node, collecting diagnostics instead of stopping at the
 * first problem, so a definition's author sees everything wrong with it at once.
 */
export class YamlReader {
  private readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly file: string,
    private readonly source: string,
    private readonly lineCounter: LineCounter,
    private readonly document: Document,
  ) {}

  error(at: YamlAnchor, message: string): void {
    this.report(at, message, 'error');
  }

  warning(at: YamlAnchor, message: string): void {
    this.report(at, message, 'warning');
  }

  errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.severity === 'error').sort(compareDiagnostics);
  }

  warnings(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.severity === 'warning').sort(compareDiagnostics);
  }

  lineOf(at: YamlAnchor): number {
    return this.lineCounter.linePos(this.offsetOf(at)).line;
  }

  /** Follows aliases (`*anchor`) to the node they stand for. */
  resolve(node: unknown): Node | null {
    if (isAlias(node)) return this.resolve(node.resolve(this.document));
    if (isScalar(node) || isMap(node) || isSeq(node)) return node;
    return null;
  }

  /** The entries of a mapping in document order, duplicates reported and dropped. */
  entries(
    node: Node | null,
    subject: string,
    at: YamlAnchor = node ?? 0,
    duplicate = duplicateField,
  ): YamlField[] | null {
    const resolved = this.resolve(node);
    if (!isMap(resolved)) {
      this.error(at, `${subject}: expected a mapping`);
      return null;
    }
    const seen = new Map<string, Scalar>();
    const fields: YamlField[] = [];
    for (const pair of resolved.items) {
      const key = this.resolve(pair.key);
      if (!isScalar(key) || key.value === null || typeof key.value === 'object') {
        this.error(key ?? resolved, `${subject}: expected a field name`);
        continue;
      }
      const name = String(key.value);
      const first = seen.get(name);
      if (first) {
        this.error(key, `${subject}: ${duplicate(name, this.lineOf(first))}`);
        continue;
      }
      seen.set(name, key);
      fields.push({ name, key, value: this.resolve(pair.value) });
    }
    return fields;
  }

  /** Reports every field not in `allowed`; returns the fields by name. */
  checkAllowed(
    fields: readonly YamlField[],
    allowed: readonly string[],
    subject: string,
    what = '',
  ): Map<string, YamlField> {
    const byName = new Map<string, YamlField>();
    for (const field of fields) {
      if (allowed.includes(field.name)) {
        byName.set(field.name, field);
      } else {
        this.error(
          field.key,
          `${subject}: unknown field '${field.name}'${what} (allowed: ${allowed.join(', ')})`,
        );
      }
    }
    return byName;
  }

  /** entries + checkAllowed, for mappings whose subject does not depend on their content. */
  fields(
    node: Node | null,
    subject: string,
    allowed: readonly string[],
    at: YamlAnchor = node ?? 0,
  ): Map<string, YamlField> | null {
    const entries = this.entries(node, subject, at);
    return entries && this.checkAllowed(entries, allowed, subject);
  }

  require(
    fields: ReadonlyMap<string, YamlField>,
    name: string,
    subject: string,
    owner: YamlAnchor,
  ): YamlField | null {
    const field = fields.get(name);
    if (!field) this.error(owner, `${subject}: missing required field '${name}'`);
    return field ?? null;
  }

  /** A non-empty string value, or null after reporting why not. */
  string(field: YamlField, subject: string): string | null {
    const value = isScalar(field.value) ? field.value.value : undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.error(this.valueAnchor(field), `${subject}: '${field.name}' must be a non-empty string`);
    return null;
  }

  /** A name usable in field paths and job ids: letters, digits, `_` and `-`. */
  name(field: YamlField, subject: string): string | null {
    const value = this.string(field, subject);
    if (value === null) return null;
    if (!NAME_PATTERN.test(value)) {
      this.error(this.valueAnchor(field), `${subject}: ${nameProblem(field.name)}`);
      return null;
    }
    return value;
  }

  boolean(field: YamlField, subject: string): boolean | null {
    const value = isScalar(field.value) ? field.value.value : undefined;
    if (typeof value === 'boolean') return value;
    this.error(this.valueAnchor(field), `${subject}: '${field.name}' must be true or false`);
    return null;
  }

  positiveNumber(field: YamlField, subject: string, integer: boolean): number | null {
    const value = isScalar(field.value) ? field.value.value : undefined;
    if (
      typeof value === 'number' &&
      value > 0 &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value))
    ) {
      return value;
    }
    const kind = integer ? 'a positive integer' : 'a positive number';
    this.error(this.valueAnchor(field), `${subject}: '${field.name}' must be ${kind}`);
    return null;
  }

  /** The items of a sequence value, aliases resolved, or null after reporting. */
  sequence(field: YamlField, subject: string): Array<Node | null> | null {
    if (isSeq(field.value)) return field.value.items.map((item) => this.resolve(item));
    this.error(this.valueAnchor(field), `${subject}: '${field.name}' must be a list`);
    return null;
  }

  /** Where a field's value is, or its key when the value is empty. */
  valueAnchor(field: YamlField): YamlAnchor {
    return field.value && !(isScalar(field.value) && field.value.value === null)
      ? field.value
      : field.key;
  }

  /**
   * The source offset of character `index` of a scalar's value, so an error inside a condition
   * points at the exact column. Exact for plain and single-line quoted scalars; for folded or
   * block scalars it falls back to where the scalar starts.
   */
  offsetInScalar(node: Scalar, index: number): number {
    const [start, end] = node.range ?? [0, 0];
    const raw = this.source.slice(start, end);
    const value = typeof node.value === 'string' ? node.value : raw;
    if (node.type === Scalar.PLAIN) return raw === value ? start + index : start;
    if (node.type !== Scalar.QUOTE_SINGLE && node.type !== Scalar.QUOTE_DOUBLE) return start;
    const offsets = quotedOffsets(raw.slice(1, -1), node.type === Scalar.QUOTE_SINGLE);
    if (offsets.length !== value.length) return start;
    return start + 1 + (offsets[index] ?? offsets.length);
  }

  offsetOf(at: YamlAnchor): number {
    return typeof at === 'number' ? at : (at.range?.[0] ?? 0);
  }

  private report(at: YamlAnchor, message: string, severity: Diagnostic['severity']): void {
    const { line, col } = this.lineCounter.linePos(this.offsetOf(at));
    this.diagnostics.push({ file: this.file, line, col, message, severity });
  }
}

function duplicateField(name: string, firstLine: number): string {
  return `duplicate field '${name}' (first given on line ${firstLine})`;
}

function nameProblem(field: string): string {
  return `'${field}' must start with a letter or '_' and contain only letters, digits, '_' and '-'`;
}

/** For each character of a quoted scalar's value, its offset in the text between the quotes. */
function quotedOffsets(inner: string, single: boolean): number[] {
  const offsets: number[] = [];
  let i = 0;
  while (i < inner.length) {
    offsets.push(i);
    if (single) {
      i += inner.startsWith("''", i) ? 2 : 1;
    } else if (inner.charAt(i) === '\\') {
      const escape = inner.charAt(i + 1);
      i += escape === 'x' ? 4 : escape === 'u' ? 6 : escape === 'U' ? 10 : 2;
    } else {
      i += 1;
    }
  }
  return offsets;
}
