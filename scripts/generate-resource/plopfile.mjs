// The resource generator: `npm run generate:resource -- <plural-name>[:<singular>]` (docs/forking.md).
// Plop renders the templates/ folder into src/<name>/, a migration and an e2e test, then edits the
// registries at their "generate:resource" marker lines, formats what it touched and regenerates the
// authorization table of docs/authorization.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const words = (kebab) => kebab.split('-');
const pascal = (kebab) =>
  words(kebab)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
const camel = (kebab) => pascal(kebab)[0].toLowerCase() + pascal(kebab).slice(1);
const singularOf = (plural) =>
  plural.endsWith('ies') ? `${plural.slice(0, -3)}y` : plural.endsWith('s') ? plural.slice(0, -1) : `${plural}-item`;

/** Every name a template needs, derived once from the plural kebab-case name. */
function namesFor(name, singular) {
  return {
    name,
    singular,
    table: name.replaceAll('-', '_'),
    pascal: pascal(singular),
    pascalPlural: pascal(name),
    camel: camel(singular),
    camelPlural: camel(name),
    singularWords: words(singular).join(' '),
    pluralWords: words(name).join(' '),
    timestamp: String(Date.now()),
  };
}

/** Refuses a name that would collide with something the service already has. */
function collisions(n) {
  const found = [];
  if (existsSync(join(root, 'src', n.name))) found.push(`src/${n.name} exists`);
  if (existsSync(join(root, 'test', 'e2e', `${n.name}.e2e.test.ts`))) found.push(`test/e2e/${n.name}.e2e.test.ts exists`);
  if (readFileSync(join(root, 'src/access/scopes.ts'), 'utf8').includes(`'${n.name}:read'`))
    found.push(`scope ${n.name}:read exists`);
  const migrations = readdirSync(join(root, 'src/database/migrations')).join('\n');
  if (new RegExp(`-${n.name}\\.ts$`, 'm').test(migrations)) found.push(`a migration named ${n.name} exists`);
  if (readFileSync(join(root, 'src/database/entities.ts'), 'utf8').match(new RegExp(`\\b${n.pascal}\\b`)))
    found.push(`entity ${n.pascal} exists`);
  return found;
}

/** Inserts `text` before the line holding `marker` in `file`, once; fails loudly when the marker is gone. */
function insertAtMarker(file, marker, text) {
  const path = join(root, file);
  const source = readFileSync(path, 'utf8');
  const at = source.indexOf(marker);
  if (at < 0) throw new Error(`${file}: the marker "${marker}" is missing; add the lines by hand (docs/forking.md)`);
  const lineStart = source.lastIndexOf('\n', at) + 1;
  const indent = source.slice(lineStart, at);
  const lines = text.split('\n').map((line) => (line === '' ? line : indent + line));
  writeFileSync(path, source.slice(0, lineStart) + lines.join('\n') + '\n' + source.slice(lineStart));
  return file;
}

export default function (plop) {
  const touched = [];
  plop.setGenerator('resource', {
    description:
      'an owned resource: module, entity with an encrypted column, DTOs, policy, controller, view, migration, e2e test, matrix rows',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'plural name in kebab-case, optionally with its singular (invoices, or people:person)',
        validate: (value) => {
          const [plural, singular] = value.split(':');
          return NAME.test(plural) && plural.length <= 40 && (singular === undefined || NAME.test(singular))
            ? true
            : 'lowercase letters, digits and single hyphens, e.g. invoices, purchase-orders or people:person';
        },
      },
    ],
    actions: (answers) => {
      const [plural, singular = singularOf(plural)] = answers.name.split(':');
      if (singular === plural) throw new Error('the singular name must differ from the plural (give it as plural:singular)');
      const n = namesFor(plural, singular);
      const refused = collisions(n);
      if (refused.length > 0) throw new Error(`refused: ${refused.join('; ')}`);
      Object.assign(answers, n);
      const src = `src/${n.name}`;
      const add = (template, path) => ({
        type: 'add',
        path: join(root, path),
        templateFile: join(here, 'templates', template),
        data: n,
      });
      return [
        add('module.ts.hbs', `${src}/${n.name}.module.ts`),
        add('entity.ts.hbs', `${src}/${n.singular}.entity.ts`),
        add('policy.ts.hbs', `${src}/${n.singular}.policy.ts`),
        add('repository.ts.hbs', `${src}/${n.name}.repository.ts`),
        add('service.ts.hbs', `${src}/${n.name}.service.ts`),
        add('view.ts.hbs', `${src}/${n.singular}-view.ts`),
        add('controller.ts.hbs', `${src}/${n.name}.controller.ts`),
        add('dto/create.dto.ts.hbs', `${src}/dto/create-${n.singular}.dto.ts`),
        add('dto/update.dto.ts.hbs', `${src}/dto/update-${n.singular}.dto.ts`),
        add('migration.ts.hbs', `src/database/migrations/${n.timestamp}-${n.name}.ts`),
        add('test/e2e.test.ts.hbs', `test/e2e/${n.name}.e2e.test.ts`),
        () => {
          touched.push(
            insertAtMarker(
              'src/app.module.ts',
              '// generate:resource imports',
              `import { ${n.pascalPlural}Module } from './${n.name}/${n.name}.module.js';`,
            ),
            insertAtMarker('src/app.module.ts', '// generate:resource modules', `${n.pascalPlural}Module,`),
            insertAtMarker(
              'src/database/entities.ts',
              '// generate:resource imports',
              `import { ${n.pascal} } from '../${n.name}/${n.singular}.entity.js';`,
            ),
            insertAtMarker('src/database/entities.ts', '// generate:resource entities', `${n.pascal},`),
            insertAtMarker(
              'src/database/migrations/index.ts',
              '// generate:resource imports',
              `import { ${n.pascalPlural}${n.timestamp} } from './${n.timestamp}-${n.name}.js';`,
            ),
            insertAtMarker(
              'src/database/migrations/index.ts',
              '// generate:resource migrations',
              `${n.pascalPlural}${n.timestamp},`,
            ),
            insertAtMarker(
              'src/access/scopes.ts',
              '// generate:resource scopes',
              `'${n.name}:read': ['user', 'auditor', 'admin'],\n'${n.name}:write': ['user', 'auditor', 'admin'],`,
            ),
            insertAtMarker('.dependency-cruiser.cjs', '// generate:resource features', `'${n.name}',`),
            insertAtMarker(
              'src/openapi/openapi.ts',
              '// generate:resource tags',
              `'${n.name}': 'Owned ${n.pluralWords}: every caller sees and changes only its own (docs/forking.md).',`,
            ),
            insertAtMarker('test/e2e/matrix/authorization-matrix.table.ts', '// generate:resource rows', matrixRows(n)),
            insertAtMarker('test/e2e/matrix/authorization-matrix.table.ts', '// generate:resource external', externalRows(n)),
            insertAtMarker('test/e2e/matrix/matrix-requests.ts', '// generate:resource helpers', freshHelper(n)),
            insertAtMarker('test/e2e/matrix/matrix-requests.ts', '// generate:resource requests', matrixRequests(n)),
          );
          return `registered ${n.pascalPlural}Module, the ${n.pascal} entity, its migration, its scopes and its matrix rows`;
        },
        () => {
          const files = [...new Set(touched)];
          execFileSync(
            'npx',
            [
              'prettier',
              '--log-level',
              'warn',
              '--write',
              ...files,
              `src/${n.name}`,
              `test/e2e/${n.name}.e2e.test.ts`,
              `src/database/migrations/${n.timestamp}-${n.name}.ts`,
            ],
            { cwd: root, stdio: 'inherit' },
          );
          return `formatted ${files.length + 3} paths`;
        },
        () => {
          execFileSync('npm', ['run', '--silent', 'docs:matrix'], { cwd: root, stdio: 'inherit' });
          return `regenerated the authorization table (docs/authorization.md); now run npm test and npm run test:pg (${relative(root, join(root, src))})`;
        },
      ];
    },
  });
}

/** Owner-only rows: every user may create and list its own, only the owner reaches one by id, keys need the new scopes. */
function matrixRows(n) {
  return [
    `'POST /api/v1/${n.name}': withKeys(every(201, 401), {}),`,
    `'GET /api/v1/${n.name}': withKeys(every(200, 401), {}),`,
    `'GET /api/v1/${n.name}/{id}': ownerOnly(200, 404),`,
    `'PATCH /api/v1/${n.name}/{id}': ownerOnly(200, 404),`,
    `'DELETE /api/v1/${n.name}/{id}': ownerOnly(204, 404),`,
  ].join('\n');
}

/**
 * The external OpenID provider's actors on the same routes, [external:user, external:client]: its
 * user (role user) keeps its own like any user and never reaches the owner's (404); its client was
 * granted notes scopes only, so the new resource's @Scopes refuse it (403), like a key without them.
 */
function externalRows(n) {
  return [
    `'POST /api/v1/${n.name}': [201, 403],`,
    `'GET /api/v1/${n.name}': [200, 403],`,
    `'GET /api/v1/${n.name}/{id}': [404, 403],`,
    `'PATCH /api/v1/${n.name}/{id}': [404, 403],`,
    `'DELETE /api/v1/${n.name}/{id}': [404, 403],`,
  ].join('\n');
}

function freshHelper(n) {
  return [
    `/** A fresh ${n.singularWords} of the owner, for cells that read, change or delete one (generated). */`,
    `async function fresh${n.pascal}(ctx: MatrixContext): Promise<string> {`,
    `  const owner = await tokenOf(ctx, 'owner');`,
    `  const created = await ctx.t.http`,
    `    .post('/api/v1/${n.name}')`,
    `    .set('Authorization', \`Bearer \${owner}\`)`,
    `    .send({ title: 'matrix', amount: 1, details: 'secret details' });`,
    `  return created.body.id as string;`,
    `}`,
    ``,
  ].join('\n');
}

function matrixRequests(n) {
  const byId = (method) => `auth(ctx.t.http.${method}(\`/api/v1/${n.name}/\${await fresh${n.pascal}(ctx)}\`))`;
  return [
    `'POST /api/v1/${n.name}': async (ctx, _a, auth) => auth(ctx.t.http.post('/api/v1/${n.name}')).send({ title: 'mine', amount: 2, details: 'text' }),`,
    `'GET /api/v1/${n.name}': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/${n.name}')),`,
    `'GET /api/v1/${n.name}/{id}': async (ctx, _a, auth) => ${byId('get')},`,
    `'PATCH /api/v1/${n.name}/{id}': async (ctx, _a, auth) => ${byId('patch')}.send({ title: 'changed' }),`,
    `'DELETE /api/v1/${n.name}/{id}': async (ctx, _a, auth) => ${byId('delete')},`,
  ].join('\n');
}
