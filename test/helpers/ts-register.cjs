// Lets a child `node` process run the server from its TypeScript sources (test/helpers/server-process.ts), so a
// test that kills the server tests the code in the tree, not a dist/ that may be stale. Transpile only, as tsc
// would emit it (decorator metadata included); type errors are the build's business.
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, file) => {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
  module._compile(out.outputText, file);
};
