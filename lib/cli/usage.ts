/** The help of the `multiregion` command and of each subcommand. */

export const EXIT_CODES = `Exit codes:
  0  no problem
  1  problems found: an error in a file (validate, plan, synth, diff), an
     error at synth (synth), a change that
     replaces or removes a database (diff), a cost input problem (cost)
  2  usage error: unknown command or option, missing argument, unreadable file`;

export const MAIN_HELP = `Usage: multiregion <command> [options]

One configuration file per deployment (multiregion.yaml, JSON accepted), the
same shape for AWS and Google Cloud (docs/config.md).

Commands:
  validate FILE...      check files; every problem at once, compiler style
  plan FILE             what the deployment protects against and what not, its
                        regions and routes, RTO/RPO per procedure, residency,
                        and the blast radius of losing each region
  synth FILE            the stacks of the file's cloud (CloudFormation into
                        cdk.out, Terraform JSON into cdktf.out) and its runbooks
  diff OLD NEW          what changes between two versions of a file, and which
                        changes replace or remove a database
  cost [OUTDIR...]      monthly cost estimate of synthesized output (cdk.out, cdktf.out)
  schema                print the JSON Schema of the file (for editors)

Run 'multiregion <command> --help' for a command's options.

${EXIT_CODES}
`;

export const HELP: Readonly<Record<string, string>> = {
  validate: `Usage: multiregion validate FILE... [--format text|json] [--strict]

Checks each file and prints every problem, one per line:
  multiregion.yaml:12:5 error regions[1].role 'primray' is not ...; did you mean 'primary'? ...

  --format text|json   text (default) or a JSON array of problems
  --strict             warnings count as problems (exit 1)
  --help               show this help

${EXIT_CODES}
`,
  plan: `Usage: multiregion plan FILE [--format markdown|json] [--out DIR]... [--usage FILE] [--prices FILE]

What the deployment protects against and what not (the ladder), its regions
and roles, the routes, the RTO/RPO estimate of each procedure with its
timeline, the residency table and the blast radius of losing each region.

  --format markdown|json  Markdown for people (default) or JSON for machines
  --out DIR               a synthesized output (cdk.out or cdktf.out): adds the
                          monthly cost of the deployment's stacks per region
                          (repeatable)
  --usage FILE            usage assumptions for the cost (as multiregion cost)
  --prices FILE           price overrides for the cost (as multiregion cost)
  --help                  show this help

${EXIT_CODES}
`,
  synth: `Usage: multiregion synth FILE [--out DIR] [--progress|--no-progress] [-c KEY=VALUE]...

Synthesizes the deployment of FILE for its cloud, after validating it:
  cloud: aws   CloudFormation templates into cdk.out (aws-cdk-lib; deploy with
               npx cdk deploy --app cdk.out --all), context from cdk.json and
               cdk.context.json of the current directory
  cloud: gcp   Terraform JSON into cdktf.out/stacks/<stack>/cdk.tf.json (cdktf;
               terraform -chdir=cdktf.out/stacks/<stack> init && ... apply)
and the failover runbooks (Markdown) into <DIR>/runbooks/. Prints every stack
and runbook written; on a terminal, a progress line per stack (stderr).

  --out DIR            where to write (default cdk.out or cdktf.out)
  --progress           progress lines even when stderr is not a terminal
  --no-progress        no progress lines, even on a terminal
  -c, --context K=V    AWS: CDK context over the file (primaryRegion, replicaRegions,
                       originRegion, account, availabilityZones, stackNaming,
                       hostedZoneId, domainName, appEndpoints, failoverEngine)
  --help               show this help

${EXIT_CODES}
`,
  diff: `Usage: multiregion diff OLD NEW [--format text|json]

What changes from OLD to NEW, in the terms of the file: a region added or
removed, a role swap, a phase climbed, objectives and routes. A change that
replaces or removes a database (a new origin, database id, engine, stack
prefix, account, or a removed region) is marked REPLACES, and the exit code
is 1. A role swap that keeps origin replaces nothing.

  --format text|json   text (default) or JSON
  --help               show this help

${EXIT_CODES}
`,
  cost: `Usage: multiregion cost [OUTDIR...] [--usage FILE] [--prices FILE] [--format markdown|json]
       multiregion cost --diff BEFORE_DIR AFTER_DIR

The monthly cost estimate of synthesized output, offline, from the price table
of the package (the same as 'npm run cost'; docs/cost.md). Without OUTDIR:
cdk.out and cdktf.out in the current directory, whichever exist.

  --usage FILE           usage the templates cannot know (data size, requests)
  --prices FILE          price overrides
  --format markdown|json Markdown (default) or JSON
  --diff BEFORE AFTER    cost change per line item
  --help                 show this help

${EXIT_CODES}
`,
  schema: `Usage: multiregion schema

Prints the JSON Schema of the configuration file (the same as
schema/multiregion.schema.json in the package). Editors with the YAML language
server read it from the first line of the file:
  # yaml-language-server: $schema=./node_modules/multiregion-constructs/schema/multiregion.schema.json

  --help   show this help

${EXIT_CODES}
`,
};
