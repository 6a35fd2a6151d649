/*
 * What every package adds to Backstage's ESLint config (see STYLE.md, "Data
 * flows one way"): `import/no-cycle`, with the settings that let
 * eslint-plugin-import follow imports of TypeScript files.
 * Type-only imports (`import type`) do not count as a cycle.
 */
module.exports = {
  settings: {
    // Without these, eslint-plugin-import skips TypeScript files and the
    // rule sees no cycle at all.
    'import/extensions': ['.ts', '.tsx', '.js', '.jsx'],
    'import/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    'import/resolver': {
      node: { extensions: ['.ts', '.tsx', '.js', '.jsx', '.json'] },
    },
  },
  rules: {
    'import/no-cycle': ['error', { ignoreExternal: true }],
  },
};
