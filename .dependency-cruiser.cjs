// The layering of src/ (docs/architecture.md#layers), checked by `npm run lint`.
//
// Every top-level folder of src/ has a rank; a folder imports only folders of a lower rank. That
// is stricter than "no cycles between top-level folders" and implies it. Infrastructure ranks
// below identity, identity below features, so infrastructure never imports identity or features;
// features share a rank, so they never import each other. Root files (src/app.module.ts,
// src/request-pipeline.ts, src/main.ts, ...) and src/cli/ compose everything and import anything.
// A new top-level folder must be added to a layer below, or the `unknown-folder` rule fails.

/** Bottom to top. Folders in one inner array share a rank. */
const INFRASTRUCTURE = [
  ['config'],
  ['database', 'lifecycle'],
  ['http'],
  ['access'],
  // The OpenAPI document reads the access declarations to state each operation's security.
  ['openapi'],
  ['common', 'logging', 'metrics'],
  ['shared-state', 'security-events', 'tls'],
  // DPoP (RFC 9449) proofs and the binding of an access token to a key: below identity, because
  // both issuers' tokens are checked with it, ours (src/auth/) and the external provider's
  // (src/oidc/), which share a rank and so cannot import each other.
  ['dpop'],
  ['crypto'],
  ['audit', 'rate-limit', 'health'],
  ['mail'],
];
/**
 * Identity: accounts, then tokens, sessions and passwords, and an external OpenID provider's
 * accounts and tokens (neither imports the other: what both need of DPoP lives in src/dpop/,
 * below them). Every feature may use them.
 */
const IDENTITY = [['users'], ['auth', 'oidc']];
/** Features: each can be deleted with its folder and its line in src/app.module.ts. */
const FEATURES = [
  'api-keys',
  'notes',
  'users-admin',
  'intrusion-detection',
  // generate:resource features (npm run generate:resource adds a feature folder above this line)
];
/** Composition: imports anything, imported by nothing in the layers above. */
const COMPOSITION = ['cli'];

/**
 * The one file inside a layer that lists features: the entity list, read by the DataSource and the
 * migration-drift test. Like the module list, deleting a feature removes its line here.
 */
const ENTITY_LIST = '^src/database/entities[.]ts$';

const layers = [...INFRASTRUCTURE, ...IDENTITY, FEATURES, COMPOSITION];
const folderPattern = (folders) => `^src/(${folders.join('|')})/`;

const rankRules = layers.flatMap((folders, rank) => {
  const notBelow = layers.slice(rank).flat();
  return folders.map((folder) => ({
    name: FEATURES.includes(folder) ? 'feature-imports-only-lower-layers' : 'layer-imports-only-lower-layers',
    comment:
      `src/${folder}/ may import only folders below it: ` +
      (FEATURES.includes(folder) ? 'features never import each other.' : 'infrastructure and identity never import features.'),
    severity: 'error',
    from: { path: `^src/${folder}/`, pathNot: ENTITY_LIST },
    to: { path: folderPattern(notBelow.filter((other) => other !== folder)) },
  }));
});

module.exports = {
  forbidden: [
    ...rankRules,
    {
      name: 'unknown-folder',
      comment: 'Every top-level folder of src/ has a layer in .dependency-cruiser.cjs and docs/architecture.md#layers.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: folderPattern(layers.flat()) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'No module imports itself through others.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|build|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
