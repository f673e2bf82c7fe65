/**
 * The AWS CDK stack (deploy/aws), synthesised offline and checked with aws-cdk-lib/assertions:
 * a private, encrypted, backed-up and protected database; an encrypted, private media bucket
 * with its lifecycle, behind CloudFront; task roles that cannot touch any other bucket; HTTPS
 * with readiness checks; 30-day logs; autoscaling; an alarm for every critical and warning
 * condition of the infrastructure overview; stop timeouts that let the processes drain.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { CivicQStack } from "../../deploy/aws/civicq-stack";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

describe("deploy/aws CivicQ stack", () => {
  let template: Template;
  let resources: Record<string, Resource>;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-cdk-"));
  const ofType = (type: string) =>
    Object.entries(resources).filter(([, resource]) => resource.Type === type);
  /** The one resource of a type, with its logical id. */
  const only = (type: string): [string, Resource] => {
    const found = ofType(type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(() => {
    const app = new App({ outdir });
    const stack = new CivicQStack(app, "CivicQTest", {
      azCount: 3,
      certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/test",
      imageTag: "0123abc",
      alarmEmail: "ops@example.org",
    });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
    return () => fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("spreads a VPC over three zones: public, private and isolated subnets", () => {
    template.resourceCountIs("AWS::EC2::Subnet", 9);
    template.resourceCountIs("AWS::EC2::NatGateway", 3);
    const zones = ofType("AWS::EC2::Subnet").map(([, subnet]) =>
      JSON.stringify(subnet.Properties.AvailabilityZone),
    );
    expect(new Set(zones).size).toBe(3);
  });

  it("keeps PostgreSQL private, Multi-AZ, encrypted, backed up for 30 days, undeletable", () => {
    template.resourceCountIs("AWS::RDS::DBInstance", 1);
    template.hasResource("AWS::RDS::DBInstance", {
      DeletionPolicy: "Snapshot",
      Properties: Match.objectLike({
        Engine: "postgres",
        EngineVersion: Match.stringLikeRegexp("^15"),
        PubliclyAccessible: false,
        MultiAZ: true,
        StorageEncrypted: true,
        BackupRetentionPeriod: 30,
        DeletionProtection: true,
      }),
    });
    // only the web, worker and migration security groups reach it, never an address range
    const dbIngress = ofType("AWS::EC2::SecurityGroupIngress").filter(
      ([, rule]) => rule.Properties.FromPort === 5432,
    );
    expect(dbIngress).toHaveLength(3);
    for (const [, rule] of dbIngress) {
      expect(rule.Properties.SourceSecurityGroupId).toBeDefined();
      expect(rule.Properties.CidrIp).toBeUndefined();
    }
    // its subnet group uses the isolated (no route to the internet) subnets
    const [, subnetGroup] = only("AWS::RDS::DBSubnetGroup");
    expect(JSON.stringify(subnetGroup.Properties.SubnetIds)).toMatch(/dataSubnet/);
  });

  it("runs Redis encrypted, in transit and at rest, with a failover replica", () => {
    template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", {
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
    });
  });

  it("keeps media in a versioned, encrypted, private bucket with the lifecycle, behind CloudFront", () => {
    template.resourceCountIs("AWS::S3::Bucket", 1);
    template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: "Enabled",
            Transitions: [
              { StorageClass: "STANDARD_IA", TransitionInDays: 30 },
              { StorageClass: "GLACIER", TransitionInDays: 90 },
            ],
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
          }),
        ],
      },
    });
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
  });

  it("lets the task roles touch the media bucket and nothing else", () => {
    const [bucketId] = only("AWS::S3::Bucket");
    const bucketArn = { "Fn::GetAtt": [bucketId, "Arn"] };
    const allowed = [
      JSON.stringify(bucketArn),
      JSON.stringify({ "Fn::Join": ["", [bucketArn, "/*"]] }),
    ];
    const taskRoles = new Set(
      ofType("AWS::ECS::TaskDefinition").map(
        ([, definition]) =>
          (definition.Properties.TaskRoleArn as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0],
      ),
    );
    expect(taskRoles.size).toBe(3); // web, worker, migrate
    for (const role of taskRoles) {
      expect(resources[role]!.Properties.ManagedPolicyArns, role).toBeUndefined();
      expect(resources[role]!.Properties.Policies, role).toBeUndefined();
    }
    const policies = ofType("AWS::IAM::Policy").filter(([, policy]) =>
      (policy.Properties.Roles as Array<{ Ref: string }>).some((ref) => taskRoles.has(ref.Ref)),
    );
    expect(policies).toHaveLength(2); // the migration task gets no permissions at all
    for (const [id, policy] of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      for (const statement of statements) {
        const actions = ([] as string[]).concat(statement.Action);
        expect(
          actions.every((action) => action.startsWith("s3:")),
          id,
        ).toBe(true);
        expect(actions, id).not.toContain("s3:*");
        const targets = ([] as unknown[]).concat(statement.Resource).map((r) => JSON.stringify(r));
        expect(targets.length, id).toBeGreaterThan(0);
        for (const target of targets) expect(allowed, `${id}: ${target}`).toContain(target);
      }
    }
  });

  it("serves HTTPS only, checks /readyz, and answers /metrics with a 404", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Protocol: "HTTPS",
      Certificates: [{ CertificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/test" }],
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: "redirect" })],
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      HealthCheckPath: "/readyz",
      Matcher: { HttpCode: "200" },
      TargetGroupAttributes: Match.arrayWith([
        { Key: "deregistration_delay.timeout_seconds", Value: "30" },
      ]),
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", {
      Conditions: [
        { Field: "path-pattern", PathPatternConfig: { Values: ["/metrics", "/metrics/*"] } },
      ],
      Actions: [
        Match.objectLike({
          Type: "fixed-response",
          FixedResponseConfig: Match.objectLike({ StatusCode: "404" }),
        }),
      ],
    });
  });

  it("keeps every log group for 30 days", () => {
    const groups = ofType("AWS::Logs::LogGroup");
    expect(groups.length).toBe(5); // web, worker, migrate, PostgreSQL, deploy-time functions
    // no function falls back to an implicit log group kept forever
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      expect(fn.Properties.LoggingConfig, id).toMatchObject({
        LogGroup: { Ref: expect.any(String) },
      });
    }
    for (const [id, group] of groups) expect(group.Properties.RetentionInDays, id).toBe(30);
  });

  it("passes secrets from Secrets Manager, never in plain environment variables", () => {
    for (const [id, definition] of ofType("AWS::ECS::TaskDefinition")) {
      const [container] = definition.Properties.ContainerDefinitions as Array<{
        Environment: Array<{ Name: string }>;
        Secrets: Array<{ Name: string; ValueFrom: unknown }>;
      }>;
      const secrets = container!.Secrets.map((secret) => secret.Name).sort();
      expect(secrets, id).toEqual([
        "CONSTITUENT_HASH_SECRET",
        "DB_HOST",
        "DB_PASSWORD",
        "DB_PORT",
        "DB_USER",
        "SESSION_SECRET",
      ]);
      const plain = container!.Environment.map((variable) => variable.Name);
      for (const name of [
        "SESSION_SECRET",
        "CONSTITUENT_HASH_SECRET",
        "DB_PASSWORD",
        "DATABASE_URL",
      ]) {
        expect(plain, id).not.toContain(name);
      }
    }
  });

  it("stops containers only after they drain, and deploys without downtime", () => {
    for (const [id, definition] of ofType("AWS::ECS::TaskDefinition")) {
      const [container] = definition.Properties.ContainerDefinitions as Array<{
        StopTimeout: number;
        Environment: Array<{ Name: string; Value: string }>;
      }>;
      const drain = container!.Environment.find((v) => v.Name === "SHUTDOWN_TIMEOUT_MS");
      expect(container!.StopTimeout, id).toBe(30);
      expect(Number(drain?.Value), id).toBeLessThan(container!.StopTimeout * 1000);
    }
    for (const [id, service] of ofType("AWS::ECS::Service")) {
      expect(service.Properties.DeploymentConfiguration, id).toMatchObject({
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
    }
  });

  it("runs the migrations to completion before either service rolls", () => {
    const [migrateId] = ofType("AWS::ECS::TaskDefinition").find(([id]) =>
      id.startsWith("MigrateTask"),
    )!;
    const migrate = resources[migrateId]!.Properties.ContainerDefinitions as Array<{
      Command: string[];
    }>;
    expect(migrate[0]!.Command.at(-1)).toContain("node --import tsx db/cli.ts migrate");
    template.hasResourceProperties("AWS::CloudFormation::CustomResource", {
      TaskDefinition: { Ref: migrateId },
    });
    for (const [id, service] of ofType("AWS::ECS::Service")) {
      expect(service.DependsOn, id).toContain("Migrations");
    }
  });

  it("scales the web app on CPU and requests, and the worker on its queue depth", () => {
    for (const metric of ["ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"]) {
      template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
        PolicyType: "TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: metric }),
        }),
      });
    }
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      PolicyType: "StepScaling",
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "CivicQ",
      MetricName: "JobsReady",
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp("Backlog") })],
    });
    // the worker's queue_depth log lines become that metric
    template.hasResourceProperties("AWS::Logs::MetricFilter", {
      FilterPattern: '{ $.event = "queue_depth" }',
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: "CivicQ",
          MetricName: "JobsReady",
          MetricValue: "$.jobsReady",
        }),
      ],
    });
  });

  it("raises an alarm, to the SNS topic, for each critical and warning condition", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm")
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => typeof alarm.AlarmName === "string");
    const names = alarms.map((alarm) => alarm.AlarmName as string).sort();
    const expected = [
      "critical-WebDown",
      "critical-WorkerDown",
      "critical-HighErrorRate",
      "critical-DatabaseConnectionFailures",
      "critical-DatabaseDiskSpace",
      "warning-WebHighCpu",
      "warning-WorkerHighCpu",
      "warning-DatabaseHighCpu",
      "warning-WebHighMemory",
      "warning-WorkerHighMemory",
      "warning-RedisHighMemory",
      "warning-HighLatency",
      "warning-SlowQueries",
      "warning-QueueBacklog",
      "warning-QueueStalled",
    ];
    expect(names).toEqual(expected.map((name) => `CivicQTest-${name}`).sort());
    const [topicId] = only("AWS::SNS::Topic");
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, alarm.AlarmName as string).toEqual([{ Ref: topicId }]);
    }
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.org",
    });
    // p95 latency over 500 ms, and errors over 5 % of requests
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "CivicQTest-warning-HighLatency",
      ExtendedStatistic: "p95",
      Threshold: 0.5,
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "CivicQTest-critical-HighErrorRate",
      Threshold: 5,
    });
  });

  it("synthesises from the command line without AWS credentials (npm run cdk:synth)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-cdk-synth-"));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: dir };
      for (const key of Object.keys(env)) if (key.startsWith("AWS_")) delete env[key];
      const result = spawnSync(process.execPath, ["--import", "tsx", "deploy/aws/app.ts"], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.status, result.stderr).toBe(0);
      const synthesised = JSON.parse(
        fs.readFileSync(path.join(dir, "CivicQ.template.json"), "utf8"),
      );
      expect(Object.keys(synthesised.Resources).length).toBeGreaterThan(100);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
