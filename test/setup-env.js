// Runs before every test file.
process.env.CDK_DISABLE_VERSION_CHECK = '1';
// aws-cdk-lib 2.276 validates every synthesized template against the
// CloudFormation schema (also inside Template.fromStack). Measured on this
// machine for test/aws + test/examples, one worker: 19.6 s / 612 MB with it,
// 6.2 s / 310 MB without. Construct unit tests turn it off; the example tests
// (test/examples/*) turn it back on, as `npm run synth` does, so every template
// a user deploys is still schema-checked.
process.env.CDK_VALIDATION = 'false';
