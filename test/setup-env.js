// Unit tests synthesize many small stacks; see README "Testing" for why
// template validation is turned off inside unit tests but kept on for the
// example synth and the snapshot tests that use it.
process.env.CDK_DISABLE_VERSION_CHECK = '1';
