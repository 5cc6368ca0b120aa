// Flat ESLint config for the whole workspace. Module boundaries are real: services never import
// each other, libraries depend only downward (contracts <- domain libs <- platform <- services/tools).
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/coverage',
      '**/.nx',
      '**/tmp',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'],
            },
            {
              sourceTag: 'type:platform',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:platform'],
            },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:platform'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:contracts'],
            },
            {
              sourceTag: 'type:composition',
              onlyDependOnLibsWithTags: [
                'type:contracts',
                'type:domain',
                'type:platform',
                'type:service',
              ],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: [
                'type:contracts',
                'type:domain',
                'type:platform',
                'type:service',
                'type:tool',
              ],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:standalone', onlyDependOnLibsWithTags: ['*'] },
            // Benchmarks and chaos tests boot the services they measure.
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
            {
              sourceTag: 'scope:identity',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:identity'],
            },
            {
              sourceTag: 'scope:content',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:content'],
            },
            {
              sourceTag: 'scope:billing',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:billing'],
            },
            {
              sourceTag: 'scope:orchestration',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:orchestration'],
            },
            {
              sourceTag: 'scope:agent-worker',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:agent-worker'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  prettier,
];
