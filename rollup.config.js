// Builds each published package from src/index.ts to ESM (dist/index.js), CommonJS (dist/index.cjs)
// and one bundled declaration file (dist/index.d.ts). Dependencies and Node built-ins stay external:
// a package's own dependencies are resolved by its consumer, never inlined.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const packages = ['runtime', 'mock-agent', 'pocket'];

function externalFor(dir) {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
  return (id) =>
    id.startsWith('node:') ||
    builtinModules.includes(id) ||
    deps.some((d) => id === d || id.startsWith(`${d}/`));
}

const library = packages.flatMap((name) => {
  const dir = `packages/${name}`;
  const external = externalFor(dir);
  return [
    {
      input: `${dir}/src/index.ts`,
      external,
      output: [
        { file: `${dir}/dist/index.js`, format: 'es', sourcemap: true },
        { file: `${dir}/dist/index.cjs`, format: 'cjs', sourcemap: true, exports: 'named' },
      ],
      plugins: [
        typescript({
          tsconfig: './tsconfig.base.json',
          include: [`${dir}/src/**/*.ts`],
          compilerOptions: { declaration: false, noEmit: false, outDir: undefined, customConditions: undefined },
        }),
      ],
    },
    {
      input: `${dir}/src/index.ts`,
      external,
      output: { file: `${dir}/dist/index.d.ts`, format: 'es' },
      plugins: [dts({ tsconfig: './tsconfig.base.json' })],
    },
  ];
});

// The CLI: one ESM entry (dist/cli.js) that bin/mockic.js imports, plus its declarations.
const cliExternal = externalFor('packages/cli');
const cli = [
  {
    input: 'packages/cli/src/cli.ts',
    external: cliExternal,
    output: { file: 'packages/cli/dist/cli.js', format: 'es', sourcemap: true },
    plugins: [
      typescript({
        tsconfig: './tsconfig.base.json',
        include: ['packages/cli/src/**/*.ts'],
        compilerOptions: { declaration: false, noEmit: false, outDir: undefined, customConditions: undefined },
      }),
    ],
  },
  {
    input: 'packages/cli/src/cli.ts',
    external: cliExternal,
    output: { file: 'packages/cli/dist/cli.d.ts', format: 'es' },
    plugins: [dts({ tsconfig: './tsconfig.base.json' })],
  },
];

export default [...library, ...cli];
