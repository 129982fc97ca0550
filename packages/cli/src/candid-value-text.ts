// Candid textual values (the `( v, … )` argument syntax of the Candid spec, "Textual representation")
// encoded to DIDL bytes: what dfx.json `init_arg` / `init_arg_file` and icp.yaml `init_args` hold.
//
// Grammar accepted: an argument tuple `( <annval>,* )` (a single value without parentheses is a
// 1-tuple); `<annval>` is `<val>` or `<val> : <type>`; values are numbers (`_` separators, `0x` hex,
// a sign, decimal floats with `.`/`e`, hex floats with `p`), `true`, `false`, `null`, `"text"` (escapes
// `\n \r \t \\ \" \'`, `\hh` bytes, `\u{hex}`), `blob "…"`, `principal "…"`, `service "…"`,
// `func "…".name`, `opt v`, `vec { v; … }`, `record { name = v; 0 = v; v; … }` (labels by name,
// quoted name or number; an unlabelled field takes the previous id + 1), `variant { name = v }` /
// `variant { name }` / `variant { 3 }`, and `( v )`. Comments `//` and `/* */` are skipped.
// Annotation types: the primitive types, opt, vec, blob, record, variant, and names of the .did.
//
// With types (the init arguments of the canister's .did), each value is checked against its type:
// numbers in range, `opt` may be omitted around a non-optional value (`5` at `opt nat`), missing
// `opt`/`null`/`reserved` record fields and trailing arguments are null, unknown fields are errors.
// Without types, the type is inferred from the literal: an unsigned integer is `nat`, a signed one
// `int`, a float `float64`, "…" `text`, `blob` `vec nat8`, `null` `null`, `opt v` `opt T`, a `vec`
// the common type of its elements (`null` and `opt T` unify to `opt T`, `nat` and `int` to `int`; an
// empty vec is `vec empty`), a record with only unlabelled fields a tuple, a variant a one-case
// variant. Annotate (`(8 : nat8)`) wherever the inferred type is not the one the canister expects.
import { IDL, idlLabelToId } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CANDID_PRIMITIVES } from '@mockic/runtime';

export class CandidValueError extends Error {
  override name = 'CandidValueError';
}

/** Where a value comes from, for messages ("canister ledger's init_arg"). */
export interface EncodeOptions {
  /** Types of the arguments (a .did's init arguments); inferred from the literals when absent. */
  types?: IDL.Type[];
  /** Named types of the .did, for annotations such as `(v : Account)`. */
  namedTypes?: Map<string, IDL.Type>;
  what?: string;
}

/** Parses Candid argument text and encodes it to DIDL bytes. Throws CandidValueError. */
export function encodeCandidText(text: string, options: EncodeOptions = {}): Uint8Array {
  const p = new ValueParser(text, options.what ?? 'Candid value', options.namedTypes ?? new Map());
  const args = p.args();
  const el = new Elaborator(p);
  let types: IDL.Type[];
  if (options.types) {
    types = options.types;
    if (args.length > types.length) {
      const extra = args[types.length] as Val;
      p.fail(extra.at, `${types.length} argument${types.length === 1 ? '' : 's'} (the init arguments are (${types.map((t) => t.display()).join(', ')})), found another`);
    }
  } else types = args.map((a) => el.infer(a));
  const values = types.map((t, i) => {
    const a = args[i];
    if (a) return el.value(a, t);
    if (acceptsNull(t)) return nullOf(t);
    return p.fail(text.length, `argument ${i + 1} of type ${t.display()}`);
  });
  try {
    return new Uint8Array(IDL.encode(types, values));
  } catch (e) {
    throw new CandidValueError(`${options.what ?? 'Candid value'}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// ------------------------------------------------------------------ syntax

type Label = { kind: 'name' | 'id'; name: string; id: number } | { kind: 'next' };
type Val = { at: number } & (
  | { k: 'num'; text: string; float: boolean; signed: boolean }
  | { k: 'text'; bytes: Uint8Array }
  | { k: 'blob'; bytes: Uint8Array }
  | { k: 'bool'; value: boolean }
  | { k: 'null' }
  | { k: 'opt'; of: Val }
  | { k: 'vec'; items: Val[] }
  | { k: 'record'; fields: Array<{ label: Label; value: Val; at: number }> }
  | { k: 'variant'; label: Label & { kind: 'name' | 'id' }; value: Val | undefined }
  | { k: 'principal' | 'service'; text: string }
  | { k: 'func'; text: string; method: string }
  | { k: 'annot'; value: Val; type: IDL.Type }
);

type Tok = { kind: 'id' | 'num' | 'text' | 'sym' | 'eof'; value: string; at: number; bytes?: Uint8Array };

const KEYWORDS = new Set(['opt', 'vec', 'record', 'variant', 'blob', 'principal', 'service', 'func', 'true', 'false', 'null']);

class ValueParser {
  private readonly src: string;
  private readonly what: string;
  private readonly named: Map<string, IDL.Type>;
  private pos = 0;
  private tok: Tok;

  constructor(src: string, what: string, named: Map<string, IDL.Type>) {
    this.src = src;
    this.what = what;
    this.named = named;
    this.tok = this.lex();
  }

  fail(at: number, expected: string): never {
    const before = this.src.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    const found = at >= this.src.length ? 'the end of the text' : `'${this.src.slice(at, at + 12).split('\n')[0]}'`;
    throw new CandidValueError(`${this.what}: line ${line}, column ${column}: expected ${expected}, found ${found}`);
  }

  // ---------------------------------------------------------------- lexer
  private skip(): void {
    for (;;) {
      while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
      if (this.src.startsWith('//', this.pos)) {
        const nl = this.src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? this.src.length : nl + 1;
      } else if (this.src.startsWith('/*', this.pos)) {
        const end = this.src.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail(this.pos, "'*/' closing the comment");
        this.pos = end + 2;
      } else return;
    }
  }

  private lex(): Tok {
    this.skip();
    const at = this.pos;
    const s = this.src;
    if (at >= s.length) return { kind: 'eof', value: '', at };
    const c = s[at] as string;
    if (c === '"') return this.lexText(at);
    const num = /^[+-]?(0x[0-9a-fA-F](_?[0-9a-fA-F])*(\.([0-9a-fA-F](_?[0-9a-fA-F])*)?)?([pP][+-]?[0-9](_?[0-9])*)?|[0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?([eE][+-]?[0-9](_?[0-9])*)?)/.exec(s.slice(at));
    if (num && !(num[0].endsWith('.') && s[at + num[0].length] === '.')) {
      this.pos += num[0].length;
      return { kind: 'num', value: num[0], at };
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(at));
    if (id) {
      this.pos += id[0].length;
      return { kind: 'id', value: id[0], at };
    }
    if ('(){};,=:.'.includes(c)) {
      this.pos++;
      return { kind: 'sym', value: c, at };
    }
    return this.fail(at, 'a Candid value');
  }

  private lexText(at: number): Tok {
    const s = this.src;
    const bytes: number[] = [];
    const enc = new TextEncoder();
    let i = at + 1;
    for (;;) {
      if (i >= s.length) this.fail(at, 'a closing \'"\' for the text starting here');
      const c = s[i] as string;
      if (c === '"') break;
      if (c !== '\\') {
        const cp = s.codePointAt(i) as number;
        const ch = String.fromCodePoint(cp);
        bytes.push(...enc.encode(ch));
        i += ch.length;
        continue;
      }
      const e = s[i + 1] ?? '';
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, '"': 34, "'": 39 };
      if (e in simple) {
        bytes.push(simple[e] as number);
        i += 2;
      } else if (e === 'u' && s[i + 2] === '{') {
        const end = s.indexOf('}', i + 3);
        const hex = end < 0 ? '' : s.slice(i + 3, end).replace(/_/g, '');
        const cp = /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
        if (!(cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) this.fail(i, 'a Unicode scalar value in \\u{…}');
        bytes.push(...enc.encode(String.fromCodePoint(cp)));
        i = end + 1;
      } else if (/^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 3;
      } else this.fail(i, 'an escape (\\n \\r \\t \\\\ \\" \\\' \\hh \\u{…})');
    }
    this.pos = i + 1;
    return { kind: 'text', value: s.slice(at, i + 1), at, bytes: new Uint8Array(bytes) };
  }

  private next(): Tok {
    const t = this.tok;
    this.tok = this.lex();
    return t;
  }
  private isSym(v: string): boolean {
    return this.tok.kind === 'sym' && this.tok.value === v;
  }
  private expect(v: string, what = `'${v}'`): Tok {
    if (!this.isSym(v)) this.fail(this.tok.at, what);
    return this.next();
  }
  private textLit(what: string): string {
    if (this.tok.kind !== 'text') this.fail(this.tok.at, what);
    const t = this.next();
    return utf8(t.bytes as Uint8Array, () => this.fail(t.at, 'valid UTF-8 text'));
  }

  // ---------------------------------------------------------------- values
  /** `( annval, … )`, or one annval. */
  args(): Val[] {
    const out: Val[] = [];
    if (this.isSym('(')) {
      this.next();
      while (!this.isSym(')')) {
        out.push(this.annval());
        if (!this.isSym(')')) this.expect(',', "',' or ')'");
      }
      this.next();
    } else out.push(this.annval());
    if (this.tok.kind !== 'eof') this.fail(this.tok.at, 'the end of the arguments');
    return out;
  }

  private annval(): Val {
    const v = this.val();
    if (!this.isSym(':')) return v;
    this.next();
    return { k: 'annot', value: v, type: this.type(), at: v.at };
  }

  private val(): Val {
    const t = this.tok;
    const at = t.at;
    if (t.kind === 'num') {
      this.next();
      const body = t.value.replace(/^[+-]/, '');
      const float = body.startsWith('0x') ? /[.pP]/.test(body) : /[.eE]/.test(body);
      return { k: 'num', text: t.value.replace(/_/g, ''), float, signed: /^[+-]/.test(t.value), at };
    }
    if (t.kind === 'text') {
      this.next();
      return { k: 'text', bytes: t.bytes as Uint8Array, at };
    }
    if (this.isSym('(')) {
      this.next();
      const v = this.annval();
      this.expect(')', "')'");
      return v;
    }
    if (t.kind !== 'id') return this.fail(at, 'a value');
    this.next();
    switch (t.value) {
      case 'true':
      case 'false':
        return { k: 'bool', value: t.value === 'true', at };
      case 'null':
        return { k: 'null', at };
      case 'opt':
        return { k: 'opt', of: this.val(), at };
      case 'blob': {
        if (this.tok.kind !== 'text') this.fail(this.tok.at, 'a "…" string after blob');
        return { k: 'blob', bytes: this.next().bytes as Uint8Array, at };
      }
      case 'principal':
      case 'service':
        return { k: t.value, text: this.textLit(`a "…" ${t.value} id`), at };
      case 'func': {
        const text = this.textLit('a "…" canister id');
        this.expect('.', "'.' and a method name");
        const m = this.tok;
        if (m.kind !== 'id' && m.kind !== 'text') this.fail(m.at, 'a method name');
        this.next();
        const method = m.kind === 'text' ? utf8(m.bytes as Uint8Array, () => this.fail(m.at, 'valid UTF-8')) : m.value;
        return { k: 'func', text, method, at };
      }
      case 'vec': {
        this.expect('{', "'{' after vec");
        const items: Val[] = [];
        while (!this.isSym('}')) {
          items.push(this.annval());
          if (!this.isSym('}')) this.expect(';', "';' or '}'");
        }
        this.next();
        return { k: 'vec', items, at };
      }
      case 'record': {
        this.expect('{', "'{' after record");
        const fields: Array<{ label: Label; value: Val; at: number }> = [];
        while (!this.isSym('}')) {
          const fat = this.tok.at;
          const label = this.labelBefore('=');
          fields.push({ label: label ?? { kind: 'next' }, value: this.annval(), at: fat });
          if (!this.isSym('}')) this.expect(';', "';' or '}'");
        }
        this.next();
        return { k: 'record', fields, at };
      }
      case 'variant': {
        this.expect('{', "'{' after variant");
        const lt = this.tok;
        const label = this.label();
        if (!label) return this.fail(lt.at, 'a variant case (name, "name" or number)');
        let value: Val | undefined;
        if (this.isSym('=')) {
          this.next();
          value = this.annval();
        }
        if (this.isSym(';')) this.next();
        this.expect('}', "'}' (a variant value has one case)");
        return { k: 'variant', label, value, at };
      }
      default:
        return this.fail(at, 'a value (number, "text", true, false, null, opt, vec, record, variant, blob, principal, service, func)');
    }
  }

  /** A field label: name, "name" or number. */
  private label(): (Label & { kind: 'name' | 'id' }) | undefined {
    const t = this.tok;
    if (t.kind === 'id' && !KEYWORDS.has(t.value)) {
      this.next();
      return { kind: 'name', name: t.value, id: idlLabelToId(t.value) };
    }
    if (t.kind === 'text') {
      this.next();
      const name = utf8(t.bytes as Uint8Array, () => this.fail(t.at, 'valid UTF-8'));
      return { kind: 'name', name, id: idlLabelToId(name) };
    }
    if (t.kind === 'num' && /^(0x[0-9a-fA-F_]+|[0-9_]+)$/.test(t.value)) {
      this.next();
      const id = Number(t.value.replace(/_/g, ''));
      if (!(id < 2 ** 32)) this.fail(t.at, 'a field id below 2^32');
      return { kind: 'id', name: `_${id}_`, id };
    }
    return undefined;
  }

  /** A label when the token after it is `sep` (else nothing consumed). */
  private labelBefore(sep: string): (Label & { kind: 'name' | 'id' }) | undefined {
    const t = this.tok;
    if (t.kind !== 'id' && t.kind !== 'text' && t.kind !== 'num') return undefined;
    // One token of lookahead beyond the current: lex it without consuming.
    const save = this.pos;
    const after = this.lex();
    this.pos = save;
    if (after.kind !== 'sym' || after.value !== sep) return undefined;
    if (t.kind === 'id' && KEYWORDS.has(t.value)) return undefined;
    const label = this.label();
    this.next(); // the separator
    return label;
  }

  // ---------------------------------------------------------------- types (annotations)
  private type(): IDL.Type {
    const t = this.tok;
    if (t.kind !== 'id') return this.fail(t.at, 'a type');
    this.next();
    const prim = CANDID_PRIMITIVES[t.value];
    if (prim) return prim();
    switch (t.value) {
      case 'opt':
        return IDL.Opt(this.type());
      case 'vec':
        return IDL.Vec(this.type());
      case 'record':
      case 'variant': {
        this.expect('{', `'{' after ${t.value}`);
        const fields: Record<string, IDL.Type> = {};
        const positional: IDL.Type[] = [];
        let next = 0;
        while (!this.isSym('}')) {
          const lt = this.tok;
          const label = this.labelBefore(':');
          if (label) {
            fields[label.name] = this.type();
            next = label.id + 1;
          } else if (t.value === 'variant') {
            const l = this.label();
            if (!l) this.fail(lt.at, 'a variant case');
            fields[l.name] = IDL.Null;
          } else {
            const ft = this.type();
            fields[`_${next}_`] = ft;
            positional.push(ft);
            next++;
          }
          if (!this.isSym('}')) this.expect(';', "';' or '}'");
        }
        this.next();
        if (t.value === 'variant') return IDL.Variant(fields);
        if (positional.length > 0 && positional.length === Object.keys(fields).length) return IDL.Tuple(...positional);
        return IDL.Record(fields);
      }
      default: {
        const named = this.named.get(t.value);
        if (!named) return this.fail(t.at, `a type (a primitive, opt, vec, blob, record, variant${this.named.size > 0 ? ' or a type of the .did' : ''})`);
        return named;
      }
    }
  }
}


function utf8(bytes: Uint8Array, onError: () => never): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return onError();
  }
}

// ------------------------------------------------------------------ typing

function unrec(t: IDL.Type): IDL.Type {
  let u = t;
  for (let i = 0; u instanceof IDL.RecClass && i < 100; i++) u = u.getType() as IDL.Type;
  return u;
}

/** `null <: t`: null, opt and reserved take a missing value. */
function acceptsNull(t: IDL.Type): boolean {
  const u = unrec(t);
  return u instanceof IDL.NullClass || u instanceof IDL.OptClass || u instanceof IDL.ReservedClass;
}
function nullOf(t: IDL.Type): unknown {
  return unrec(t) instanceof IDL.OptClass ? [] : null;
}

class Elaborator {
  private readonly p: ValueParser;
  constructor(p: ValueParser) {
    this.p = p;
  }

  /** The JS value IDL.encode takes for `v` at type `t`. */
  value(v: Val, t: IDL.Type): unknown {
    const u = unrec(t);
    const fail = (expected: string): never => this.p.fail(v.at, expected);
    if (u instanceof IDL.ReservedClass) return null;
    if (v.k === 'annot') {
      const ann = unrec(v.type);
      if (ann.display() === u.display()) return this.value(v.value, u);
      if (u instanceof IDL.OptClass && !acceptsNull(u._type)) return [this.value(v, u._type)];
      if (u instanceof IDL.IntClass && ann instanceof IDL.NatClass) return this.value(v.value, u);
      return fail(`a value of type ${u.display()} (it is annotated ${ann.display()})`);
    }
    if (u instanceof IDL.OptClass) {
      if (v.k === 'null') return [];
      if (v.k === 'opt') return [this.value(v.of, u._type)];
      if (!acceptsNull(u._type)) return [this.value(v, u._type)];
      return fail(`null or opt … (type ${u.display()})`);
    }
    if (u instanceof IDL.NatClass || u instanceof IDL.IntClass || u instanceof IDL.FixedNatClass || u instanceof IDL.FixedIntClass) {
      if (v.k !== 'num' || v.float) return fail(`an integer (type ${u.display()})`);
      const n = parseInteger(v.text);
      const unsigned = u instanceof IDL.NatClass || u instanceof IDL.FixedNatClass;
      const bits = u instanceof IDL.FixedNatClass || u instanceof IDL.FixedIntClass ? u._bits : 0;
      const min = unsigned ? 0n : bits ? -(1n << BigInt(bits - 1)) : undefined;
      const max = bits ? (unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n) : undefined;
      if ((min !== undefined && n < min) || (max !== undefined && n > max)) return fail(`a ${u.display()} (${min ?? '-∞'} to ${max ?? '∞'})`);
      return bits && bits <= 32 ? Number(n) : n;
    }
    if (u instanceof IDL.FloatClass) {
      if (v.k !== 'num') return fail(`a number (type ${u.display()})`);
      return parseFloatLiteral(v.text);
    }
    if (u instanceof IDL.BoolClass) return v.k === 'bool' ? v.value : fail('true or false');
    if (u instanceof IDL.NullClass) return v.k === 'null' ? null : fail('null');
    if (u instanceof IDL.EmptyClass) return fail('no value (type empty has none)');
    if (u instanceof IDL.TextClass) return v.k === 'text' ? utf8(v.bytes, () => fail('valid UTF-8 text')) : fail('"text"');
    if (u instanceof IDL.PrincipalClass) return v.k === 'principal' ? this.principal(v.text, v.at) : fail('principal "…"');
    if (u instanceof IDL.ServiceClass) return v.k === 'service' || v.k === 'principal' ? this.principal(v.text, v.at) : fail('service "…"');
    if (u instanceof IDL.FuncClass) return v.k === 'func' ? [this.principal(v.text, v.at), v.method] : fail('func "…".method');
    if (u instanceof IDL.VecClass) {
      const elem = unrec(u._type);
      if (v.k === 'blob') {
        if (!(elem instanceof IDL.FixedNatClass && elem._bits === 8)) return fail(`vec { … } (type ${u.display()}; blob is vec nat8)`);
        return v.bytes;
      }
      if (v.k !== 'vec') return fail(`vec { … } (type ${u.display()})`);
      return v.items.map((item) => this.value(item, u._type));
    }
    if (u instanceof IDL.TupleClass) {
      if (v.k !== 'record') return fail(`record { … } (type ${u.display()})`);
      const byId = this.fieldsById(v);
      const out = u._fields.map(([, ct], i) => {
        const f = byId.get(i);
        byId.delete(i);
        if (f) return this.value(f.value, ct);
        if (acceptsNull(ct)) return nullOf(ct);
        return fail(`a record with field ${i} (type ${u.display()})`);
      });
      for (const f of byId.values()) this.p.fail(f.at, `a field of ${u.display()}`);
      return out;
    }
    if (u instanceof IDL.RecordClass) {
      if (v.k !== 'record') return fail(`record { … } (type ${u.display()})`);
      // Fields given are checked in the order written, then the missing ones.
      const typeById = new Map(u._fields.map(([name, ft]) => [idlLabelToId(name), [name, ft] as const]));
      const out: Record<string, unknown> = {};
      for (const [id, f] of this.fieldsById(v)) {
        const field = typeById.get(id);
        if (!field) return this.p.fail(f.at, `a field of ${u.display()}`);
        out[field[0]] = this.value(f.value, field[1]);
      }
      const missing: string[] = [];
      for (const [name, ft] of u._fields) {
        if (name in out) continue;
        if (acceptsNull(ft)) out[name] = nullOf(ft);
        else missing.push(`'${name}' (type ${ft.display()})`);
      }
      if (missing.length > 0) fail(`field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in the record`);
      return out;
    }
    if (u instanceof IDL.VariantClass) {
      if (v.k !== 'variant') return fail(`variant { … } (type ${u.display()})`);
      const hit = u._fields.find(([name]) => idlLabelToId(name) === v.label.id);
      if (!hit) return fail(`a case of ${u.display()}`);
      const [name, ct] = hit;
      return { [name]: v.value ? this.value(v.value, ct) : this.value({ k: 'null', at: v.at }, ct) };
    }
    return fail(`a value of type ${u.display()}`);
  }

  private fieldsById(v: Val & { k: 'record' }): Map<number, { value: Val; at: number }> {
    const out = new Map<number, { value: Val; at: number }>();
    let next = 0;
    for (const f of v.fields) {
      const id = f.label.kind === 'next' ? next : f.label.id;
      if (out.has(id)) this.p.fail(f.at, 'distinct field labels (this one repeats an earlier one)');
      out.set(id, { value: f.value, at: f.at });
      next = id + 1;
    }
    return out;
  }

  private principal(text: string, at: number): Principal {
    try {
      return Principal.fromText(text);
    } catch {
      return this.p.fail(at, `a valid principal (not "${text}")`);
    }
  }

  /** The type of a value given without types (see the header for the rules). */
  infer(v: Val): IDL.Type {
    switch (v.k) {
      case 'annot':
        return v.type;
      case 'num':
        return v.float ? IDL.Float64 : v.signed ? IDL.Int : IDL.Nat;
      case 'text':
        return IDL.Text;
      case 'blob':
        return IDL.Vec(IDL.Nat8);
      case 'bool':
        return IDL.Bool;
      case 'null':
        return IDL.Null;
      case 'principal':
        return IDL.Principal;
      case 'service':
        return IDL.Service({});
      case 'func':
        return IDL.Func([], []);
      case 'opt':
        return IDL.Opt(this.infer(v.of));
      case 'vec': {
        let t: IDL.Type = IDL.Empty;
        for (const item of v.items) {
          const it = this.infer(item);
          const u = unify(t, it);
          if (!u) this.p.fail(item.at, `an element of type ${t.display()} like the ones before it (annotate the vec: (vec { … } : vec T))`);
          t = u;
        }
        return IDL.Vec(t);
      }
      case 'record': {
        if (v.fields.length > 0 && v.fields.every((f) => f.label.kind === 'next')) return IDL.Tuple(...v.fields.map((f) => this.infer(f.value)));
        const fields: Record<string, IDL.Type> = {};
        let next = 0;
        for (const f of v.fields) {
          const label = f.label.kind === 'next' ? { name: `_${next}_`, id: next } : f.label;
          fields[label.name] = this.infer(f.value);
          next = label.id + 1;
        }
        return IDL.Record(fields);
      }
      case 'variant':
        return IDL.Variant({ [v.label.name]: v.value ? this.infer(v.value) : IDL.Null });
    }
  }
}

/** The common type of two inferred types, if there is one. */
function unify(a: IDL.Type, b: IDL.Type): IDL.Type | undefined {
  if (a instanceof IDL.EmptyClass) return b;
  if (b instanceof IDL.EmptyClass) return a;
  if (a.display() === b.display()) return a;
  if (a instanceof IDL.NullClass && b instanceof IDL.OptClass) return b;
  if (b instanceof IDL.NullClass && a instanceof IDL.OptClass) return a;
  if ((a instanceof IDL.NatClass && b instanceof IDL.IntClass) || (a instanceof IDL.IntClass && b instanceof IDL.NatClass)) return IDL.Int;
  if (a instanceof IDL.OptClass && b instanceof IDL.OptClass) {
    const u = unify(a._type, b._type);
    return u && IDL.Opt(u);
  }
  if (a instanceof IDL.VecClass && b instanceof IDL.VecClass) {
    const u = unify(a._type, b._type);
    return u && IDL.Vec(u);
  }
  return undefined;
}

function parseInteger(text: string): bigint {
  const neg = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const n = BigInt(body);
  return neg ? -n : n;
}

function parseFloatLiteral(text: string): number {
  const neg = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  let n: number;
  if (body.startsWith('0x')) {
    const m = /^0x([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(body) as RegExpExecArray;
    const frac = m[2] ?? '';
    n = (parseInt(`${m[1]}${frac}` || '0', 16) / 16 ** frac.length) * 2 ** Number(m[3] ?? 0);
  } else n = Number(body);
  return neg ? -n : n;
}
