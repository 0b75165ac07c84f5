// After `npm run build`: every entry point of the package.json exports map
// loads from dist/, and the AWS entry point never loads cdktf or the Google
// provider (ARCHITECTURE.md: an AWS user never pays for them).
const assert = require('assert');
// /cost and /config right after the root: they must load neither aws-cdk-lib nor cdktf (they read JSON and YAML).
const entries = ['multiregion-constructs', 'multiregion-constructs/cost', 'multiregion-constructs/config', 'multiregion-constructs/aws', 'multiregion-constructs/router', 'multiregion-constructs/gcp'];
const loaded = (pattern) => Object.keys(require.cache).filter((k) => pattern.test(k));
for (const entry of entries) {
  const mod = require(entry);
  assert.ok(Object.keys(mod).length > 0, `${entry} exports nothing`);
  if (entry.endsWith('/aws') || entry.endsWith('/router') || entry === 'multiregion-constructs') {
    assert.deepStrictEqual(loaded(/node_modules[\\/](cdktf|@cdktf)[\\/]/), [], `${entry} loaded cdktf`);
  }
  if (entry.endsWith('/cost') || entry.endsWith('/config')) {
    assert.deepStrictEqual(loaded(/node_modules[\\/](aws-cdk-lib|cdktf|@cdktf)[\\/]/), [], `${entry} loaded aws-cdk-lib or cdktf`);
  }
  console.log(`ok ${entry} (${Object.keys(mod).length} exports)`);
}
assert.deepStrictEqual(loaded(/@cdktf[\\/]provider-google[\\/]lib[\\/]index\.js$/), [], 'the Google provider root index was loaded');

// The package's bin, as npm links it: the multiregion command from dist/.
const { execFileSync } = require('child_process');
const path = require('path');
const root = path.dirname(require.resolve('multiregion-constructs/package.json'));
const bin = path.join(root, require('multiregion-constructs/package.json').bin.multiregion);
const out = execFileSync(process.execPath, [bin, 'validate', 'examples/config/aws/phase-3.yaml', 'examples/config/gcp/phase-3.yaml'], { cwd: root, encoding: 'utf8' });
assert.match(out, /2 files: 0 errors, 0 warnings \(2 valid\)/);
assert.ok(require('fs').readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node'), `${bin} has no shebang`);
console.log(`ok bin multiregion (${path.relative(root, bin)})`);
