/**
 * Checks dashboard panels against the panel option types that @grafana/schema generates for each
 * panel plugin (raw/composable/<panel>/panelcfg/x/<Panel>PanelCfg_types.gen.d.ts): a panel's
 * `options` against that plugin's `Options`, its `fieldConfig.defaults.custom` against its
 * `FieldConfig`. Each value becomes an object literal assigned to a typed `const` in one generated
 * TypeScript file, compiled in memory by one program per call, so TypeScript's excess-property checks
 * reject keys the panel does not have at any depth, and its assignability checks reject wrong types
 * and missing required options. JSON has no enums: an enum-typed option is checked as its string
 * values. A panel type @grafana/schema has no options for is a problem too.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export interface DashboardFile {
  /** How problems name the dashboard, e.g. `Copilot/1-overview.json`. */
  file: string;
  json: unknown;
}

interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  panels?: PanelJson[];
}

/** @grafana/schema's generated option types of one panel plugin. */
interface PanelSchema {
  /** The generated declaration file, without `.d.ts`: what an import names. */
  module: string;
  /** Whether the plugin declares field options (`fieldConfig.defaults.custom`); stat and text do not. */
  fieldConfig: boolean;
}

const SCHEMA_PACKAGE = require.resolve('@grafana/schema/package.json');
const SCHEMA_VERSION = (JSON.parse(readFileSync(SCHEMA_PACKAGE, 'utf8')) as { version: string }).version;
const COMPOSABLE = join(dirname(SCHEMA_PACKAGE), 'dist/esm/raw/composable');

/** Panel plugin ids whose schema directory is named differently. */
const DIRECTORY_OF: Record<string, string> = {
  annolist: 'annotationslist',
  dashlist: 'dashboardlist',
  nodeGraph: 'nodegraph',
  'state-timeline': 'statetimeline',
  'status-history': 'statushistory',
};

const schemas = new Map<string, PanelSchema | undefined>();

function schemaOf(type: string): PanelSchema | undefined {
  if (schemas.has(type)) return schemas.get(type);
  const dir = join(COMPOSABLE, DIRECTORY_OF[type] ?? type, 'panelcfg', 'x');
  const declaration = existsSync(dir)
    ? readdirSync(dir).find((name) => name.endsWith('PanelCfg_types.gen.d.ts'))
    : undefined;
  let schema: PanelSchema | undefined;
  if (declaration) {
    const text = readFileSync(join(dir, declaration), 'utf8');
    if (/^export (interface|type) Options\b/m.test(text))
      schema = {
        module: join(dir, declaration).replace(/\.d\.ts$/, ''),
        fieldConfig: /^export (interface|type) FieldConfig\b/m.test(text),
      };
  }
  schemas.set(type, schema);
  return schema;
}

/**
 * Types of the generated file. `Json<T>`: a type as JSON carries it, enums as their string values
 * (`TextMode.Markdown` is `"markdown"`), objects with exactly their keys, so excess-property checks
 * apply to every nested literal. `Known`, `HasRequired` and `Prop`/`Elem` check one object's keys and
 * one value at a time (see `walk`).
 */
const PRELUDE = `type Json<T> = T extends string
  ? \`\${T}\`
  : T extends number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Json<U>[]
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;
/** Field options of a panel plugin that declares none: any key is one too many. */
type NoFieldConfig = { [key: string]: never };
type Known<T> = { [K in keyof T]?: unknown };
type HasRequired<T> = (T extends object ? { [K in keyof T as {} extends Pick<T, K> ? never : K]: unknown } : never) & {
  [key: string]: unknown;
};
type Some<T> = [T] extends [never] ? unknown : T;
type Prop<T, K> = Some<T extends readonly unknown[] ? never : T extends object ? (K extends keyof T ? T[K] : never) : never>;
type Elem<T> = Some<T extends readonly (infer U)[] ? U : never>;
`;

const declarations = new Map<string, ts.SourceFile | undefined>();

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/** One panel: what the problems name it, and those found so far. */
interface Checked {
  where: string;
  problems: string[];
  /** JSON paths already reported, so that the one-at-a-time checks do not repeat the whole one. */
  paths: Set<string>;
}

/** A typed const of the generated file: where it lies, which panel it checks, and the JSON path of its value. */
interface Const {
  start: number;
  end: number;
  panel: Checked;
  path: string;
  /** A value against its type, one key against an object's known keys, or an object's keys against its required ones. */
  kind: 'value' | 'key' | 'required';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every panel of the dashboard, those inside rows included (collapsed rows keep theirs in `panels`). */
function panelsOf(dashboard: unknown): PanelJson[] {
  const top = isRecord(dashboard) && Array.isArray(dashboard.panels) ? (dashboard.panels as PanelJson[]) : [];
  return top.flatMap((p) => [p, ...(p.type === 'row' && Array.isArray(p.panels) ? p.panels : [])]);
}

/** A JSON value as a TypeScript literal; keys as identifiers where they can be, as messages then name them. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (!isRecord(value)) return JSON.stringify(value);
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) && k !== '__proto__' ? k : JSON.stringify(k));
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${key(k)}: ${literal(v)}`)
    .join(', ')} }`;
}

/** The JSON path of the property or element the diagnostic points at, from its position in the literal. */
function jsonPath(source: ts.SourceFile, position: number, root: string): string {
  const find = (node: ts.Node): ts.Node | undefined =>
    position >= node.getStart(source) && position < node.getEnd()
      ? (ts.forEachChild(node, find) ?? node)
      : undefined;
  const steps: string[] = [];
  for (let node = find(source); node && !ts.isVariableDeclaration(node); node = node.parent) {
    const parent = node.parent;
    if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)))
      steps.unshift(`.${node.name.text}`);
    else if (parent && ts.isArrayLiteralExpression(parent))
      steps.unshift(`[${parent.elements.indexOf(node as ts.Expression)}]`);
  }
  return root + steps.join('');
}

/**
 * TypeScript's message, shorter: a whole object type spelled out is cut to its start, the helper
 * types of the one-at-a-time checks are left out, and a missing key is named without the rest.
 */
function messageOf(diagnostic: ts.Diagnostic, kind: Const['kind'] | undefined): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (kind === 'required') {
    const one = /Property '([^']+)' is missing in type/.exec(text);
    const several = /is missing the following properties from type '[^']*': ([^.]+)/.exec(text);
    if (one) return `required key '${one[1]}' is missing`;
    if (several) return `required keys missing: ${several[1]}`;
  }
  return text
    .replace(/'Known<([^']*?)>?'/g, "'$1'")
    .replace(/'([^']{100,})'/g, (_, type: string) => `'${type.slice(0, 80)}…'`);
}

/**
 * Every problem with the panels' options and custom field options, one line each, in panel order:
 * `<dashboard file> panel <id> "<title>" (<type>): <json path>: <TypeScript's message>`.
 *
 * TypeScript stops at the first failure within one object literal (an unknown key hides a missing
 * one, a wrong nested value hides both), so each value is checked twice: whole, against the panel's
 * type (exact, tagged unions included), and then one object's keys and one value at a time, against
 * the same type taken apart. A path the whole check reported is not reported again.
 */
export function checkPanels(dashboards: DashboardFile[]): string[] {
  const panels: Checked[] = [];
  const imports = new Map<string, string>();
  const consts: Const[] = [];
  let body = '';
  let names = 0;

  const declare = (
    panel: Checked,
    path: string,
    type: string,
    value: string,
    kind: Const['kind'] = 'value',
  ) => {
    const start = body.length;
    body += `const c${names++}: ${type} = ${value};\n`;
    consts.push({ start, end: body.length, panel, path, kind });
  };
  /** A name for a type: messages then show it, not the type spelled out. */
  const alias = (type: string) => {
    const name = `T${names++}`;
    body += `type ${name} = ${type};\n`;
    return name;
  };
  /** One object's keys (none unknown, none required missing) and each value on its own, all the way down. */
  const walk = (panel: Checked, path: string, type: string, value: unknown) => {
    if (Array.isArray(value)) {
      const element = alias(`Elem<${type}>`);
      value.forEach((v, i) => walk(panel, `${path}[${i}]`, element, v));
    } else if (isRecord(value)) {
      for (const key of Object.keys(value))
        declare(panel, path, `Known<${type}>`, literal({ [key]: 0 }), 'key');
      declare(
        panel,
        path,
        `HasRequired<${type}>`,
        literal(Object.fromEntries(Object.keys(value).map((k) => [k, 0]))),
        'required',
      );
      for (const [key, v] of Object.entries(value))
        walk(panel, `${path}.${key}`, alias(`Prop<${type}, ${JSON.stringify(key)}>`), v);
    } else declare(panel, path, type, literal(value));
  };
  const check = (panel: Checked, path: string, type: string, value: unknown) => {
    const root = alias(type);
    declare(panel, path, root, literal(value));
    walk(panel, path, root, value);
  };

  for (const { file, json } of dashboards) {
    for (const p of panelsOf(json)) {
      const type = String(p.type);
      const panel: Checked = {
        where: `${file} panel ${p.id} "${p.title}" (${type})`,
        problems: [],
        paths: new Set(),
      };
      panels.push(panel);
      const custom = p.fieldConfig?.defaults?.custom;
      if (type === 'row') {
        // A row is a dashboard element, not a panel plugin: it has neither options nor field options.
        if (p.options !== undefined) panel.problems.push('options: a row has no options');
        if (p.fieldConfig !== undefined) panel.problems.push('fieldConfig: a row has no field config');
        continue;
      }
      const schema = schemaOf(type);
      if (!schema) {
        panel.problems.push(
          `unknown panel type "${type}": @grafana/schema ${SCHEMA_VERSION} generates no options for it ` +
            `(no raw/composable/${DIRECTORY_OF[type] ?? type}/panelcfg)`,
        );
        continue;
      }
      if (!imports.has(schema.module)) imports.set(schema.module, `P${imports.size}`);
      const module = imports.get(schema.module)!;
      // Grafana fills in a missing options object; one that is there must be the plugin's.
      if (p.options !== undefined) check(panel, 'options', `Json<${module}.Options>`, p.options);
      if (custom !== undefined)
        check(
          panel,
          'fieldConfig.defaults.custom',
          schema.fieldConfig ? `Json<${module}.FieldConfig>` : 'NoFieldConfig',
          custom,
        );
    }
  }

  const header =
    [...imports]
      .map(([module, alias]) => `import type * as ${alias} from ${JSON.stringify(module)};`)
      .join('\n') +
    '\n' +
    PRELUDE;
  const failures: string[] = [];
  if (consts.length) {
    const text = header + body;
    // Never written: the compiler host below serves it. Its imports are absolute paths.
    const fileName = join(__dirname, '__dashboard_panels__.ts');
    const host = ts.createCompilerHost(COMPILER_OPTIONS);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) => {
      if (name === fileName) return ts.createSourceFile(name, text, version, true);
      // The libraries and @grafana/schema's declarations are parsed once for every call.
      if (!declarations.has(name)) declarations.set(name, getSourceFile(name, version, ...rest));
      return declarations.get(name);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === fileName || fileExists(name);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (name === fileName ? text : readFile(name));

    const program = ts.createProgram([fileName], COMPILER_OPTIONS, host);
    const source = program.getSourceFile(fileName)!;
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const diagnostic of diagnostics) {
      const at = diagnostic.file === source ? diagnostic.start! - header.length : -1;
      const owner = consts.find((c) => at >= c.start && at < c.end);
      const message = messageOf(diagnostic, owner?.kind);
      if (!owner) {
        // The generated types themselves: the schema moved, or this checker is wrong. Never a pass.
        failures.push(`panel option types from @grafana/schema ${SCHEMA_VERSION}: ${message}`);
        continue;
      }
      const path = jsonPath(source, diagnostic.start!, owner.path);
      if (owner.panel.paths.has(path)) continue;
      owner.panel.paths.add(path);
      owner.panel.problems.push(`${path}: ${message}`);
    }
  }
  return [...failures, ...panels.flatMap((p) => p.problems.map((problem) => `${p.where}: ${problem}`))];
}
