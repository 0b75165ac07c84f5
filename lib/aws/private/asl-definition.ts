/**
 * Building blocks of the Amazon States Language definitions of the Step
 * Functions engine (runbook-state-machines.ts, fence-states.ts): the facts a
 * definition needs, the retry policies, and a builder that wires every Task
 * to a timeout, retries and a catch naming the stage where it stopped.
 */

/** What a definition needs to know, all plain strings. */
export interface StateMachineFacts {
  readonly globalClusterIdentifier: string;
  /** This region. */
  readonly region: string;
  /** This region's cluster identifier and ARN. */
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  /**
   * Writer-role alarm of this region, which must be OK before the write
   * route answers here. Undefined in a region outside the write route: there
   * is no alarm (and no write record) to wait for there.
   */
  readonly writerAlarmName?: string;
  /**
   * An alarm in another region that must be in ALARM too (the primary
   * region's record also needs the standby's writer alarm to leave OK). A
   * state machine calls only its own region, so it waits the alarm's flip
   * time instead of reading it, and says so.
   */
  readonly remoteWriterAlarm?: { readonly alarm: string; readonly region: string; readonly withinSeconds: number };
  /** SNS topic in this region. */
  readonly topicArn: string;
  /** Largest replication lag a switchover accepts, milliseconds. */
  readonly maxLagMillis: number;
  /** Alarm in this region on replication lag into this cluster (above maxLagMillis). */
  readonly lagAlarmName: string;
  /** Seconds between polls while Aurora promotes. */
  readonly pollSeconds: number;
  /** Polls before giving up. */
  readonly maxPolls: number;
  /** The cluster of every other region of the global database (one of them wrote before a failover here). */
  readonly otherClusters: readonly { readonly region: string; readonly clusterIdentifier: string; readonly clusterArn: string }[];
}

type State = Record<string, unknown>;

/**
 * Retries of read-only calls. An AWS SDK integration names an error
 * `<Service>.<Exception>` after the AWS SDK for Java class, with an
 * `Exception` suffix (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html):
 * a modeled RDS fault such as `InvalidGlobalClusterStateFault` is
 * `Rds.InvalidGlobalClusterStateException`. Throttling is not modeled: RDS
 * and CloudWatch answer with the error code `Throttling` ("Rate exceeded",
 * HTTP 400), which the SDK raises as the service's base exception, so Step
 * Functions reports `Rds.RdsException` / `CloudWatch.CloudWatchException`
 * (the name `Rds.ThrottlingException` never occurs). A call that got no
 * answer is `Rds.SdkClientException` (or `States.Timeout`).
 */
export const READ_RETRY = [
  {
    ErrorEquals: ['Rds.RdsException', 'Rds.SdkClientException', 'CloudWatch.CloudWatchException', 'CloudWatch.SdkClientException', 'States.Timeout'],
    IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL',
  },
];
/**
 * Retries of the calls that move the writer (switchover, failover): only an
 * error response RDS did not model — throttling is one, and arrives as
 * `Rds.RdsException` — which RDS returns instead of acting. Modeled faults
 * (`Rds.InvalidGlobalClusterStateException`, ...) are answers, not retried.
 * A call without an answer (`Rds.SdkClientException`, `States.Timeout`) may
 * have been accepted: calling again would fail with
 * InvalidGlobalClusterStateFault while the first operation runs, and the
 * execution would report a failure while Aurora moves the writer.
 */
export const MUTATION_RETRY = [
  { ErrorEquals: ['Rds.RdsException'], IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' },
];
const RETRY = READ_RETRY;
const TASK_TIMEOUT = 60;

export function sdk(service: string, action: string): string {
  return `arn:aws:states:::aws-sdk:${service}:${action}`;
}

/** Builder for one definition with catch-to-notify wiring. */
export class Definition {
  public readonly states: Record<string, State> = {};

  constructor(private readonly facts: StateMachineFacts, kind: string) {
    this.states.NotifyFailure = {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: {
        TopicArn: facts.topicArn,
        Subject: `${kind} to ${facts.region} FAILED`,
        'Message.$': `States.Format('${kind} of ${facts.globalClusterIdentifier} to ${facts.region} stopped at {}: {}', $.failedAt.stage, $.error.Cause)`,
      },
      TimeoutSeconds: TASK_TIMEOUT,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: 'Failed' }],
      ResultPath: null,
      Next: 'Failed',
    };
    this.states.Failed = {
      Type: 'Fail',
      Error: `${kind}Failed`,
      Cause: `The ${kind} stopped; the SNS message and the execution history name the stage that failed.`,
    };
  }

  /** Adds a state; Task states get a timeout, retries and a catch that records the stage. */
  public add(name: string, state: State): void {
    if (state.Type === 'Task') {
      state = { TimeoutSeconds: TASK_TIMEOUT, Retry: RETRY, ...state, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: this.failAt(name) }] };
    }
    this.states[name] = state;
  }

  /** A Pass state that records the stage, then notifies. */
  public failAt(stage: string): string {
    const name = `FailedAt${stage}`;
    if (!this.states[name]) {
      this.states[name] = { Type: 'Pass', Result: { stage }, ResultPath: '$.failedAt', Next: 'NotifyFailure' };
    }
    return name;
  }

  /** A check that fails with a message: Pass(error) → FailedAt(stage). */
  public failWith(stage: string, cause: string): string {
    const name = `Reject${stage}`;
    this.states[name] = { Type: 'Pass', Result: { Error: `${stage}`, Cause: cause }, ResultPath: '$.error', Next: this.failAt(stage) };
    return name;
  }

  public notify(name: string, subject: string, message: string, next: string): void {
    this.add(name, {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { TopicArn: this.facts.topicArn, Subject: subject, Message: message },
      ResultPath: null,
      Next: next,
    });
  }
}
