// Candid text (.did) in both directions, for JS-defined canisters: a small parser for the service
// descriptions people write by hand (type definitions, records, variants, tuples, vec, opt, blob,
// principal, text, bool, the numeric types, func and service references, recursive types, methods
// with query / composite_query / oneway annotations, and an init signature `service : (A) -> {…}`),
// and a printer that turns an IDL service back into .did text for the candid:service metadata.
// Not supported: `import`, and method types given by name in a service body (`m : name`) only when
// the name is a func type (which works); value-level annotations beyond the three above are ignored.
import { IDL } from '@dfinity/candid';

/** A parsed .did file: its named types, the service's methods and the init arguments. */
export interface ParsedCandid {
  types: Map<string, IDL.Type>;
  service: IDL.ServiceClass;
  initArgs: IDL.Type[];
}

export class CandidSyntaxError extends Error {
  override name = 'CandidSyntaxError';
}

type Token = { kind: 'id' | 'text' | 'num' | 'sym'; value: string; at: number };

const SYMBOLS = ['->', '(', ')', '{', '}', ';', ':', ',', '='];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith('//', i)) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl + 1;
      continue;
    }
    if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new CandidSyntaxError(`unterminated comment at ${i}`);
      i = end + 2;
      continue;
    }
    const sym = SYMBOLS.find((s) => src.startsWith(s, i));
    if (sym) {
      out.push({ kind: 'sym', value: sym, at: i });
      i += sym.length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          const next = src[j + 1] ?? '';
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          j += 2;
        } else value += src[j++];
      }
      if (j >= src.length) throw new CandidSyntaxError(`unterminated string at ${i}`);
      out.push({ kind: 'text', value, at: i });
      i = j + 1;
      continue;
    }
    const num = /^(0x[0-9a-fA-F_]+|[0-9][0-9_]*)/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', value: num[0].replace(/_/g, ''), at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ kind: 'id', value: id[0], at: i });
      i += id[0].length;
      continue;
    }
    throw new CandidSyntaxError(`unexpected character '${c}' at ${i}`);
  }
  return out;
}

/** Candid's primitive type names (and `blob`) as IDL types. */
export const CANDID_PRIMITIVES: Readonly<Record<string, () => IDL.Type>> = {
  nat: () => IDL.Nat,
  nat8: () => IDL.Nat8,
  nat16: () => IDL.Nat16,
  nat32: () => IDL.Nat32,
  nat64: () => IDL.Nat64,
  int: () => IDL.Int,
  int8: () => IDL.Int8,
  int16: () => IDL.Int16,
  int32: () => IDL.Int32,
  int64: () => IDL.Int64,
  float32: () => IDL.Float32,
  float64: () => IDL.Float64,
  bool: () => IDL.Bool,
  text: () => IDL.Text,
  null: () => IDL.Null,
  reserved: () => IDL.Reserved,
  empty: () => IDL.Empty,
  principal: () => IDL.Principal,
  blob: () => IDL.Vec(IDL.Nat8),
};

/** Syntax trees, resolved to IDL types once every name is known (names may be used before defined). */
type Ast =
  | { k: 'prim'; name: string }
  | { k: 'ref'; name: string }
  | { k: 'opt' | 'vec'; of: Ast }
  | { k: 'record' | 'variant'; fields: Array<{ label: string | number | undefined; type: Ast | undefined }> }
  | { k: 'func'; args: Ast[]; rets: Ast[]; annotations: string[] }
  | { k: 'service'; methods: Array<[string, Ast]> };

class Parser {
  private pos = 0;
  private readonly toks: Token[];
  constructor(toks: Token[]) {
    this.toks = toks;
  }

  peek(offset = 0): Token | undefined {
    return this.toks[this.pos + offset];
  }
  next(): Token {
    const t = this.toks[this.pos++];
    if (!t) throw new CandidSyntaxError('unexpected end of input');
    return t;
  }
  isSym(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === 'sym' && t.value === v;
  }
  isId(v: string): boolean {
    const t = this.peek();
    return t?.kind === 'id' && t.value === v;
  }
  expect(v: string): void {
    const t = this.next();
    if (t.value !== v || (t.kind !== 'sym' && t.kind !== 'id')) throw new CandidSyntaxError(`expected '${v}' at ${t.at}, found '${t.value}'`);
  }
  name(): string {
    const t = this.next();
    if (t.kind !== 'id' && t.kind !== 'text') throw new CandidSyntaxError(`expected a name at ${t.at}, found '${t.value}'`);
    return t.value;
  }
  done(): boolean {
    return this.pos >= this.toks.length;
  }

  dataType(): Ast {
    const t = this.next();
    if (t.kind !== 'id') throw new CandidSyntaxError(`expected a type at ${t.at}, found '${t.value}'`);
    switch (t.value) {
      case 'opt':
        return { k: 'opt', of: this.dataType() };
      case 'vec':
        return { k: 'vec', of: this.dataType() };
      case 'record':
      case 'variant':
        return { k: t.value, fields: this.fields() };
      case 'func':
        return this.funcType();
      case 'service':
        return this.serviceBody();
      default:
        return t.value in CANDID_PRIMITIVES ? { k: 'prim', name: t.value } : { k: 'ref', name: t.value };
    }
  }

  fields(): Array<{ label: string | number | undefined; type: Ast | undefined }> {
    this.expect('{');
    const out: Array<{ label: string | number | undefined; type: Ast | undefined }> = [];
    while (!this.isSym('}')) {
      const t = this.peek();
      if (t && (t.kind === 'id' || t.kind === 'text' || t.kind === 'num') && this.isSym(':', 1)) {
        this.next();
        this.next();
        out.push({ label: t.kind === 'num' ? Number(t.value) : t.value, type: this.dataType() });
      } else if (t && (t.kind === 'text' || t.kind === 'num' || (t.kind === 'id' && !(t.value in CANDID_PRIMITIVES) && (this.isSym(';', 1) || this.isSym('}', 1))))) {
        // A variant case without a type (`A;`), or a record field that is only a type name: decided in resolve.
        this.next();
        out.push({ label: t.kind === 'num' ? Number(t.value) : t.value, type: undefined });
      } else {
        out.push({ label: undefined, type: this.dataType() });
      }
      if (!this.isSym('}')) this.expect(';');
    }
    this.expect('}');
    return out;
  }

  tuple(): Ast[] {
    this.expect('(');
    const out: Ast[] = [];
    while (!this.isSym(')')) {
      // Named arguments: `(to : principal, amount : nat)`.
      const t = this.peek();
      if (t && (t.kind === 'id' || t.kind === 'text') && this.isSym(':', 1)) {
        this.next();
        this.next();
      }
      out.push(this.dataType());
      if (!this.isSym(')')) this.expect(',');
    }
    this.expect(')');
    return out;
  }

  funcType(): Ast {
    const args = this.tuple();
    this.expect('->');
    const rets = this.tuple();
    const annotations: string[] = [];
    while (this.isId('query') || this.isId('composite_query') || this.isId('oneway')) annotations.push(this.next().value);
    return { k: 'func', args, rets, annotations };
  }

  serviceBody(): Ast {
    this.expect('{');
    const methods: Array<[string, Ast]> = [];
    while (!this.isSym('}')) {
      const name = this.name();
      this.expect(':');
      methods.push([name, this.isSym('(') ? this.funcType() : this.dataType()]);
      if (!this.isSym('}')) this.expect(';');
    }
    this.expect('}');
    return { k: 'service', methods };
  }
}

/** Parses .did text. Throws CandidSyntaxError with the offending position. */
export function parseCandid(source: string): ParsedCandid {
  const p = new Parser(tokenize(source));
  const defs = new Map<string, Ast>();
  let serviceAst: Ast | undefined;
  let initAst: Ast[] = [];
  while (!p.done()) {
    if (p.isId('type')) {
      p.next();
      const name = p.name();
      p.expect('=');
      defs.set(name, p.dataType());
    } else if (p.isId('import')) {
      throw new CandidSyntaxError('import is not supported in .did text for JS canisters');
    } else if (p.isId('service')) {
      p.next();
      if (p.peek()?.kind === 'id' && p.isSym(':', 1)) p.next(); // service name
      p.expect(':');
      if (p.isSym('(')) {
        initAst = p.tuple();
        p.expect('->');
      }
      serviceAst = p.isSym('{') ? p.serviceBody() : p.dataType();
    } else {
      const t = p.next();
      throw new CandidSyntaxError(`unexpected '${t.value}' at ${t.at}`);
    }
    while (p.isSym(';')) p.next();
  }

  const resolved = new Map<string, IDL.Type>();
  const inProgress = new Set<string>();
  const recs = new Map<string, IDL.RecClass>();
  const named = (name: string): IDL.Type => {
    const done = resolved.get(name);
    if (done) return done;
    if (inProgress.has(name)) {
      let rec = recs.get(name);
      if (!rec) {
        rec = IDL.Rec();
        recs.set(name, rec);
      }
      return rec;
    }
    const ast = defs.get(name);
    if (!ast) throw new CandidSyntaxError(`unknown type '${name}'`);
    inProgress.add(name);
    const body = resolve(ast);
    inProgress.delete(name);
    const rec = recs.get(name);
    let result = body;
    if (rec) {
      rec.fill(body as IDL.ConstructType);
      result = rec;
    }
    resolved.set(name, result);
    return result;
  };
  const resolve = (ast: Ast): IDL.Type => {
    switch (ast.k) {
      case 'prim':
        return (CANDID_PRIMITIVES[ast.name] as () => IDL.Type)();
      case 'ref':
        return named(ast.name);
      case 'opt':
        return IDL.Opt(resolve(ast.of));
      case 'vec':
        return IDL.Vec(resolve(ast.of));
      case 'record': {
        const positional = (f: { label: string | number | undefined; type: Ast | undefined }) => f.label === undefined || f.type === undefined;
        if (ast.fields.length > 0 && ast.fields.every(positional)) {
          // A tuple: `record { nat; text }` (a bare name is a type reference here).
          return IDL.Tuple(...ast.fields.map((f) => (f.type ? resolve(f.type) : named(f.label as string))));
        }
        const fields: Record<string, IDL.Type> = {};
        let index = 0;
        for (const f of ast.fields) {
          if (f.label === undefined || f.type === undefined) {
            const type = f.type ? resolve(f.type) : named(String(f.label));
            fields[`_${index}_`] = type;
          } else fields[labelName(f.label)] = resolve(f.type);
          index = typeof f.label === 'number' ? f.label + 1 : index + 1;
        }
        return IDL.Record(fields);
      }
      case 'variant': {
        const fields: Record<string, IDL.Type> = {};
        for (const f of ast.fields) {
          if (f.label === undefined) throw new CandidSyntaxError('a variant case needs a label');
          fields[labelName(f.label)] = f.type ? resolve(f.type) : IDL.Null;
        }
        return IDL.Variant(fields);
      }
      case 'func':
        return funcType(ast.args.map(resolve), ast.rets.map(resolve), ast.annotations);
      case 'service': {
        const methods: Record<string, IDL.FuncClass> = {};
        for (const [name, m] of ast.methods) {
          const t = resolve(m);
          if (!(t instanceof IDL.FuncClass)) throw new CandidSyntaxError(`method '${name}' is not a function type`);
          methods[name] = t;
        }
        return IDL.Service(methods);
      }
    }
  };
  for (const name of defs.keys()) named(name);
  if (!serviceAst) throw new CandidSyntaxError('the .did text has no service');
  let service = resolve(serviceAst);
  if (service instanceof IDL.RecClass) service = service.getType() as IDL.Type;
  if (!(service instanceof IDL.ServiceClass)) throw new CandidSyntaxError('the service is not a service type');
  return { types: resolved, service, initArgs: initAst.map(resolve) };
}

/** IDL.Func over plain arrays (its typings want tuples). */
export function funcType(args: IDL.Type[], rets: IDL.Type[], annotations: string[] = []): IDL.FuncClass {
  return IDL.Func(args as [], rets as [], annotations);
}

function labelName(label: string | number): string {
  return typeof label === 'number' ? `_${label}_` : label;
}

// ------------------------------------------------------------------ printing

const KEYWORDS = new Set([
  'type', 'import', 'service', 'func', 'query', 'composite_query', 'oneway', 'record', 'variant', 'opt', 'vec', 'blob',
  'principal', 'text', 'bool', 'null', 'reserved', 'empty', 'nat', 'nat8', 'nat16', 'nat32', 'nat64', 'int', 'int8',
  'int16', 'int32', 'int64', 'float32', 'float64',
]);

function printLabel(name: string): string {
  const numeric = /^_(\d+)_$/.exec(name);
  if (numeric) return numeric[1] as string;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return JSON.stringify(name);
}

class Printer {
  readonly defs: string[] = [];
  private readonly recNames = new Map<IDL.RecClass, string>();

  type(t: IDL.Type): string {
    if (t instanceof IDL.RecClass) {
      let name = this.recNames.get(t);
      if (!name) {
        name = `rec_${this.recNames.size}`;
        this.recNames.set(t, name);
        const inner = t.getType();
        this.defs.push(`type ${name} = ${inner ? this.type(inner) : 'empty'};`);
      }
      return name;
    }
    if (t instanceof IDL.VecClass) {
      const inner = t._type;
      if (inner instanceof IDL.FixedNatClass && inner._bits === 8) return 'blob';
      return `vec ${this.type(inner)}`;
    }
    if (t instanceof IDL.OptClass) return `opt ${this.type(t._type)}`;
    if (t instanceof IDL.TupleClass) {
      const parts = t._fields.map(([, ft]) => this.type(ft));
      return parts.length === 0 ? 'record {}' : `record { ${parts.join('; ')} }`;
    }
    if (t instanceof IDL.RecordClass) {
      const parts = t._fields.map(([name, ft]) => `${printLabel(name)} : ${this.type(ft)}`);
      return parts.length === 0 ? 'record {}' : `record { ${parts.join('; ')} }`;
    }
    if (t instanceof IDL.VariantClass) {
      const parts = t._fields.map(([name, ft]) => (ft instanceof IDL.NullClass ? printLabel(name) : `${printLabel(name)} : ${this.type(ft)}`));
      return parts.length === 0 ? 'variant {}' : `variant { ${parts.join('; ')} }`;
    }
    if (t instanceof IDL.FuncClass) return `func ${this.signature(t)}`;
    if (t instanceof IDL.ServiceClass) return `service { ${t._fields.map(([n, f]) => `${printLabel(n)} : ${this.signature(f)};`).join(' ')} }`;
    return t.name;
  }

  signature(f: IDL.FuncClass): string {
    const args = f.argTypes.map((a) => this.type(a)).join(', ');
    const rets = f.retTypes.map((r) => this.type(r)).join(', ');
    const ann = f.annotations.length > 0 ? ` ${f.annotations.join(' ')}` : '';
    return `(${args}) -> (${rets})${ann}`;
  }
}

/** The .did text of a service (what candid:service holds), with its init arguments if any. */
export function serviceToCandid(service: IDL.ServiceClass, initArgs?: IDL.Type[]): string {
  const p = new Printer();
  const methods = service._fields.map(([name, f]) => `  ${printLabel(name)} : ${p.signature(f)};`);
  const init = initArgs && initArgs.length > 0 ? `(${initArgs.map((a) => p.type(a)).join(', ')}) -> ` : '';
  const head = p.defs.length > 0 ? `${p.defs.join('\n')}\n` : '';
  return `${head}service : ${init}{\n${methods.join('\n')}\n}\n`;
}
