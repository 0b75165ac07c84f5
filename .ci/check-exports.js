// After `npm run build`: every entry point of the package.json exports map
// loads from dist/, and the AWS entry point never loads cdktf or the Google
// provider (ARCHITECTURE.md: an AWS user never pays for them).
const assert = require('assert');
// /cost right after the root: it must load neither aws-cdk-lib nor cdktf (it reads synthesized JSON).
const entries = ['multiregion-constructs', 'multiregion-constructs/cost', 'multiregion-constructs/aws', 'multiregion-constructs/router', 'multiregion-constructs/gcp'];
const loaded = (pattern) => Object.keys(require.cache).filter((k) => pattern.test(k));
for (const entry of entries) {
  const mod = require(entry);
  assert.ok(Object.keys(mod).length > 0, `${entry} exports nothing`);
  if (entry.endsWith('/aws') || entry.endsWith('/router') || entry === 'multiregion-constructs') {
    assert.deepStrictEqual(loaded(/node_modules[\\/](cdktf|@cdktf)[\\/]/), [], `${entry} loaded cdktf`);
  }
  if (entry.endsWith('/cost')) {
    assert.deepStrictEqual(loaded(/node_modules[\\/]aws-cdk-lib[\\/]/), [], `${entry} loaded aws-cdk-lib`);
  }
  console.log(`ok ${entry} (${Object.keys(mod).length} exports)`);
}
assert.deepStrictEqual(loaded(/@cdktf[\\/]provider-google[\\/]lib[\\/]index\.js$/), [], 'the Google provider root index was loaded');
