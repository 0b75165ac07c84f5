import { TerraformStack, Testing } from 'cdktf';
import { DEFAULT_LABELS, useGoogleProvider } from '../../lib/gcp';

describe('useGoogleProvider', () => {
  test("default_labels keep their key exactly: 'managed-by', not cdktf's snake-cased 'managed_by'", () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    useGoogleProvider(stack, { project: 'p', region: 'us-central1' });
    const provider = JSON.parse(Testing.synth(stack)).provider.google;
    expect(provider).toEqual([{ project: 'p', region: 'us-central1', default_labels: { 'managed-by': 'multiregion-constructs' } }]);
    expect(DEFAULT_LABELS).toEqual({ 'managed-by': 'multiregion-constructs' });
  });

  test('one provider per stack, however many constructs ask for it', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    const a = useGoogleProvider(stack, { project: 'p', region: 'us-central1' });
    const b = useGoogleProvider(stack, { project: 'p', region: 'europe-west1' });
    expect(a).toBe(b);
    expect(JSON.parse(Testing.synth(stack)).provider.google).toHaveLength(1);
  });
});
