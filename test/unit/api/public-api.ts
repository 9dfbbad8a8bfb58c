/**
 * @module test/unit/api/public-api
 * Reads the package's public API with the TypeScript compiler: the names each entry of
 * package.json `exports` exports (values and types), and the types that exported declarations
 * mention in their signatures but that no entry exports. Used by the export snapshot test.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Repository root. */
export const ROOT: string = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The package entries: `exports` subpath and the source file that builds it. */
export const ENTRIES: readonly { readonly subpath: string; readonly file: string }[] = [
  { subpath: 'pnrp', file: 'src/index.ts' },
  { subpath: 'pnrp/sim', file: 'src/sim/index.ts' },
  { subpath: 'pnrp/gmc', file: 'src/gmc/index.ts' },
  { subpath: 'pnrp/graph', file: 'src/graph/index.ts' },
  { subpath: 'pnrp/dht', file: 'src/dht/index.ts' },
  { subpath: 'pnrp/node', file: 'src/adapters/node/index.ts' },
  { subpath: 'pnrp/webrtc', file: 'src/adapters/webrtc/index.ts' },
];

/** One exported name. */
export interface ExportedName {
  readonly name: string;
  /** `value` when it exists at run time (function, class, constant), else `type`. */
  readonly kind: 'value' | 'type';
}

/** A type used by an exported declaration's signature that no entry exports. */
export interface LeakedType {
  readonly name: string;
  readonly definedIn: string;
  readonly usedBy: string;
}

/** The compiler's view of the entries. */
export interface PublicApi {
  readonly exports: ReadonlyMap<string, readonly ExportedName[]>;
  readonly leaked: readonly LeakedType[];
}

/** Builds one program over the five entries and reads their exports. */
export function readPublicApi(): PublicApi {
  const files = ENTRIES.map((e) => join(ROOT, e.file));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const exports = new Map<string, ExportedName[]>();
  const exported = new Set<ts.Symbol>();
  const declarations: { readonly symbol: ts.Symbol; readonly entry: string }[] = [];
  for (const entry of ENTRIES) {
    const source = program.getSourceFile(join(ROOT, entry.file));
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`cannot read ${entry.file}`);
    const names: ExportedName[] = [];
    for (const symbol of checker.getExportsOfModule(module)) {
      const target = resolveAlias(checker, symbol);
      exported.add(target);
      declarations.push({ symbol: target, entry: entry.subpath });
      const kind =
        target.flags & ts.SymbolFlags.Value && !isTypeOnly(checker, symbol) ? 'value' : 'type';
      names.push({ name: symbol.name, kind });
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    exports.set(entry.subpath, names);
  }
  const leaked = new Map<string, LeakedType>();
  for (const { symbol, entry } of declarations) {
    for (const declaration of symbol.declarations ?? []) {
      visitSignature(
        declaration,
        (ref) => {
          const target = resolveAlias(checker, ref);
          if (exported.has(target) || target.flags & ts.SymbolFlags.TypeParameter) return;
          const definedIn = target.declarations?.[0]?.getSourceFile().fileName;
          if (!definedIn?.startsWith(join(ROOT, 'src'))) return;
          const key = `${target.name} ${symbol.name}`;
          leaked.set(key, {
            name: target.name,
            definedIn: relative(ROOT, definedIn),
            usedBy: `${entry}: ${symbol.name}`,
          });
        },
        checker,
      );
    }
  }
  return { exports, leaked: [...leaked.values()] };
}

function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** True when an `export type` on the way from the entry to the declaration hides the value. */
function isTypeOnly(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  let current: ts.Symbol | undefined = symbol;
  while (current && current.flags & ts.SymbolFlags.Alias) {
    for (const d of current.declarations ?? []) {
      if (ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) return true;
      if (ts.isImportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) return true;
    }
    current = checker.getImmediateAliasedSymbol(current);
  }
  return false;
}

/** Calls `found` for every named type a declaration's public surface refers to. */
function visitSignature(
  declaration: ts.Node,
  found: (symbol: ts.Symbol) => void,
  checker: ts.TypeChecker,
): void {
  const visit = (node: ts.Node): void => {
    if (isHidden(node)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const symbol = checker.getSymbolAtLocation(name);
      if (symbol) found(symbol);
    } else if (ts.isTypeQueryNode(node)) {
      const symbol = checker.getSymbolAtLocation(node.exprName);
      if (symbol) found(symbol);
    }
    if (isBody(node)) return;
    ts.forEachChild(node, visit);
  };
  visit(declaration);
}

/** Private and protected members, `#names` and `@internal` members are not public surface. */
function isHidden(node: ts.Node): boolean {
  if (ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal')) return true;
  if (ts.isClassElement(node) && node.name && ts.isPrivateIdentifier(node.name)) return true;
  const flags = ts.canHaveModifiers(node) ? ts.getCombinedModifierFlags(node as ts.Declaration) : 0;
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;
}

/** Function bodies and initializers are implementation, not signature. */
function isBody(node: ts.Node): boolean {
  return ts.isBlock(node) && node.parent !== undefined && !ts.isSourceFile(node.parent);
}
