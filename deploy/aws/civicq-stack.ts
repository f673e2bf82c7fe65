/**
 * CivicQ on AWS: ECS Fargate behind an ALB, RDS PostgreSQL, ElastiCache Redis, S3 + CloudFront
 * for media, Secrets Manager, CloudWatch logs and alarms. The shape of the infrastructure
 * overview; docs/runbook.md says how to deploy, scale, restore and rotate secrets.
 *
 * Synthesises offline (no AWS credentials, no lookups): the stack is environment-agnostic and
 * its availability zones are the region's first two or three (Fn::GetAZs at deploy time). One container image runs the web app, the
 * worker and the migrations (see Dockerfile), started through `sh -c` only to assemble
 * DATABASE_URL from the secret's fields (ECS injects secrets one field per variable).
 */
import {
  Annotations,
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_applicationautoscaling as appscaling,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_cloudwatch as cw,
  aws_cloudwatch_actions as cwActions,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_elasticache as elasticache,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_rds as rds,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  CustomResource,
  custom_resources as cr,
} from "aws-cdk-lib";
import type { Construct } from "constructs";

export type CivicQStackProps = StackProps & {
  /** How many availability zones to spread over: 2 or 3. */
  azCount: 2 | 3;
  /** ACM certificate for the ALB's HTTPS listener (same region). */
  certificateArn: string;
  /** Public host name (its DNS points at the ALB); the ALB's own name when unset. */
  domainName?: string;
  /** Tag of the image in the stack's ECR repository: deploy a git SHA, never a moving tag. */
  imageTag: string;
  /** Where alarms are mailed; the SNS topic is created either way. */
  alarmEmail?: string;
};

const WEB_PORT = 3000;
const WORKER_HEALTH_PORT = 9464;
/**
 * ECS sends SIGTERM, then SIGKILL after the stop timeout: the app and worker drain for
 * SHUTDOWN_TIMEOUT_MS, a little less, so they always exit on their own.
 */
const STOP_TIMEOUT = Duration.seconds(30);
const SHUTDOWN_TIMEOUT_MS = "25000";
/** Our application metrics in CloudWatch, from log lines (metric filters below). */
const NAMESPACE = "CivicQ";

/**
 * The deploy-time migration step (a CloudFormation custom resource): start the migrate task,
 * then poll until it stops; anything but exit 0 fails the deploy before the services change.
 */
const MIGRATION_HANDLER = `
const { ECSClient, RunTaskCommand, DescribeTasksCommand } = require("@aws-sdk/client-ecs");
const ecs = new ECSClient({});
exports.onEvent = async (event) => {
  if (event.RequestType === "Delete") return { PhysicalResourceId: event.PhysicalResourceId };
  const p = event.ResourceProperties;
  const { tasks, failures } = await ecs.send(new RunTaskCommand({
    cluster: p.Cluster, taskDefinition: p.TaskDefinition, launchType: "FARGATE", count: 1,
    startedBy: "civicq-deploy",
    networkConfiguration: { awsvpcConfiguration: {
      subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: "DISABLED" } },
  }));
  if (!tasks || !tasks.length) throw new Error("migrations did not start: " + JSON.stringify(failures));
  return { PhysicalResourceId: tasks[0].taskArn };
};
exports.isComplete = async (event) => {
  if (event.RequestType === "Delete") return { IsComplete: true };
  const { tasks } = await ecs.send(new DescribeTasksCommand({
    cluster: event.ResourceProperties.Cluster, tasks: [event.PhysicalResourceId] }));
  const task = tasks && tasks[0];
  if (!task || task.lastStatus !== "STOPPED") return { IsComplete: false };
  const code = task.containers && task.containers[0] && task.containers[0].exitCode;
  if (code !== 0) throw new Error("migrations failed (exit " + code + ", " + task.stoppedReason + "): see the MigrateLog log group");
  return { IsComplete: true };
};
`;

export class CivicQStack extends Stack {
  private readonly azCount: number;

  /**
   * The region's first zones, resolved by CloudFormation, never looked up while synthesising
   * (CDK's documented override; environment-agnostic stacks otherwise get only two).
   */
  override get availabilityZones(): string[] {
    return Array.from({ length: this.azCount }, (_, i) => Fn.select(i, Fn.getAzs()));
  }

  constructor(scope: Construct, id: string, props: CivicQStackProps) {
    super(scope, id, props);
    this.azCount = props.azCount;
    const name = this.stackName.toLowerCase();

    // -------------------------------------------------------------------------------------
    // Network: public subnets (ALB, NAT), private ones (tasks), isolated ones (database, Redis)
    // -------------------------------------------------------------------------------------
    const vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.0.0.0/16"),
      maxAzs: props.azCount,
      natGateways: props.azCount,
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "app", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: "data", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const albSg = new ec2.SecurityGroup(this, "AlbSg", { vpc, description: "CivicQ ALB" });
    const webSg = new ec2.SecurityGroup(this, "WebSg", { vpc, description: "CivicQ web tasks" });
    const workerSg = new ec2.SecurityGroup(this, "WorkerSg", { vpc, description: "CivicQ worker" });
    const migrateSg = new ec2.SecurityGroup(this, "MigrateSg", {
      vpc,
      description: "CivicQ migrations",
    });
    const dbSg = new ec2.SecurityGroup(this, "DatabaseSg", {
      vpc,
      description: "CivicQ PostgreSQL",
      allowAllOutbound: false,
    });
    const redisSg = new ec2.SecurityGroup(this, "RedisSg", {
      vpc,
      description: "CivicQ Redis",
      allowAllOutbound: false,
    });
    webSg.addIngressRule(albSg, ec2.Port.tcp(WEB_PORT), "ALB to the web app");
    for (const [client, label] of [
      [webSg, "web"],
      [workerSg, "worker"],
    ] as const) {
      dbSg.addIngressRule(client, ec2.Port.tcp(5432), `${label} to PostgreSQL`);
      redisSg.addIngressRule(client, ec2.Port.tcp(6379), `${label} to Redis`);
    }
    dbSg.addIngressRule(migrateSg, ec2.Port.tcp(5432), "migrations to PostgreSQL");

    // -------------------------------------------------------------------------------------
    // Secrets, database, Redis, media
    // -------------------------------------------------------------------------------------
    const sessionSecret = new secretsmanager.Secret(this, "SessionSecret", {
      description: "CivicQ SESSION_SECRET (rotating it voids MFA recovery codes: docs/runbook.md)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const constituentHashSecret = new secretsmanager.Secret(this, "ConstituentHashSecret", {
      description:
        "CivicQ CONSTITUENT_HASH_SECRET (rotating it makes uploaded voter rolls and unused codes stop matching)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    // Created here, before the instance, so RDS writes into a group with our retention.
    const instanceIdentifier = `${name}-db`;
    const postgresLog = new logs.LogGroup(this, "DatabaseLog", {
      logGroupName: `/aws/rds/instance/${instanceIdentifier}/postgresql`,
      retention: logs.RetentionDays.ONE_MONTH,
    });
    const database = new rds.DatabaseInstance(this, "Database", {
      instanceIdentifier,
      // pgvector ships with RDS PostgreSQL 15.2+; the first migration runs CREATE EXTENSION.
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [dbSg],
      publiclyAccessible: false,
      multiAz: true,
      databaseName: "civicq", // DB_NAME below
      // Generated into Secrets Manager. No URL-special characters: DATABASE_URL is built from it.
      credentials: rds.Credentials.fromGeneratedSecret("civicq", {
        excludeCharacters: " %+~`#$&*()|[]{}:;<>?!'/@\"\\=,^",
      }),
      storageType: rds.StorageType.GP3,
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      storageEncrypted: true,
      backupRetention: Duration.days(30),
      preferredBackupWindow: "07:00-08:00",
      deleteAutomatedBackups: false,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      cloudwatchLogsExports: ["postgresql"],
      parameterGroup: new rds.ParameterGroup(this, "DatabaseParameters", {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
        parameters: {
          "rds.force_ssl": "1",
          // Statements over 1 s are logged: the SlowQueries metric filter counts them.
          log_min_duration_statement: "1000",
        },
      }),
    });
    database.node.addDependency(postgresLog);
    const dbSecret = database.secret!;

    const redisSubnets = new elasticache.CfnSubnetGroup(this, "RedisSubnets", {
      description: "CivicQ Redis",
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const replicationGroupId = `${name}-redis`;
    const redis = new elasticache.CfnReplicationGroup(this, "Redis", {
      replicationGroupId,
      replicationGroupDescription: "CivicQ sessions, rate limits, live updates",
      engine: "redis",
      engineVersion: "7.1",
      cacheNodeType: "cache.t4g.small",
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      cacheSubnetGroupName: redisSubnets.ref,
      securityGroupIds: [redisSg.securityGroupId],
      snapshotRetentionLimit: 7,
    });

    const media = new s3.Bucket(this, "Media", {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: "age-out",
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
          ],
          noncurrentVersionExpiration: Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    const cdn = new cloudfront.Distribution(this, "MediaCdn", {
      comment: "CivicQ media",
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(media),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });

    // -------------------------------------------------------------------------------------
    // Containers
    // -------------------------------------------------------------------------------------
    const cluster = new ecs.Cluster(this, "Cluster", {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const repository = new ecr.Repository(this, "Images", {
      imageScanOnPush: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ maxImageCount: 50 }],
    });
    const image = ecs.ContainerImage.fromEcrRepository(repository, props.imageTag);
    const logGroup = (id: string) =>
      new logs.LogGroup(this, id, { retention: logs.RetentionDays.ONE_MONTH });
    const webLog = logGroup("WebLog");
    const workerLog = logGroup("WorkerLog");
    const migrateLog = logGroup("MigrateLog");

    const alb = new elbv2.ApplicationLoadBalancer(this, "Alb", {
      vpc,
      internetFacing: true,
      securityGroup: albSg,
      dropInvalidHeaderFields: true,
    });
    const appUrl = `https://${props.domainName ?? alb.loadBalancerDnsName}`;

    const environment: Record<string, string> = {
      NODE_ENV: "production",
      APP_URL: appUrl,
      DATABASE_POOL_MAX: "10",
      DB_NAME: "civicq",
      REDIS_URL: `rediss://${redis.attrPrimaryEndPointAddress}:${redis.attrPrimaryEndPointPort}`,
      // The ALB connects from inside the VPC and appends the client's address.
      TRUST_PROXY: vpc.vpcCidrBlock,
      STORAGE_DRIVER: "s3",
      S3_BUCKET: media.bucketName,
      S3_REGION: this.region,
      SHUTDOWN_TIMEOUT_MS,
      LOG_LEVEL: "info",
    };
    const secrets = {
      SESSION_SECRET: ecs.Secret.fromSecretsManager(sessionSecret),
      CONSTITUENT_HASH_SECRET: ecs.Secret.fromSecretsManager(constituentHashSecret),
      DB_USER: ecs.Secret.fromSecretsManager(dbSecret, "username"),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, "password"),
      DB_HOST: ecs.Secret.fromSecretsManager(dbSecret, "host"),
      DB_PORT: ecs.Secret.fromSecretsManager(dbSecret, "port"),
    };
    /**
     * The image's command, with DATABASE_URL assembled from the secret first. TLS to RDS
     * (rds.force_ssl) without verifying its private CA: see docs/runbook.md to pin the CA.
     */
    const withDatabaseUrl = (command: string) => [
      "sh",
      "-c",
      'export DATABASE_URL="postgres://$DB_USER:$DB_PASSWORD@$DB_HOST:$DB_PORT/$DB_NAME?sslmode=no-verify" && exec ' +
        command,
    ];
    const taskDefinition = (
      id: string,
      options: {
        cpu: number;
        memoryLimitMiB: number;
        process: string;
        command: string;
        log: logs.LogGroup;
        env?: Record<string, string>;
        port?: number;
        /** the port answering GET /healthz (liveness) */
        healthPort?: number;
      },
    ) => {
      const definition = new ecs.FargateTaskDefinition(this, id, {
        cpu: options.cpu,
        memoryLimitMiB: options.memoryLimitMiB,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      definition.addContainer(options.process, {
        image,
        command: withDatabaseUrl(options.command),
        environment: { ...environment, CIVICQ_PROCESS: options.process, ...options.env },
        secrets,
        logging: ecs.LogDrivers.awsLogs({ logGroup: options.log, streamPrefix: options.process }),
        stopTimeout: STOP_TIMEOUT,
        portMappings: options.port ? [{ containerPort: options.port }] : undefined,
        // The image has no curl: Node's fetch probes, as in the Dockerfile's HEALTHCHECK.
        healthCheck: options.healthPort
          ? {
              command: [
                "CMD",
                "node",
                "-e",
                `fetch('http://127.0.0.1:${options.healthPort}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
              ],
              interval: Duration.seconds(15),
              timeout: Duration.seconds(5),
              retries: 3,
              startPeriod: Duration.seconds(20),
            }
          : undefined,
      });
      return definition;
    };

    const web = taskDefinition("WebTask", {
      cpu: 1024,
      memoryLimitMiB: 2048,
      process: "web",
      command: "node --enable-source-maps build/server.js",
      log: webLog,
      port: WEB_PORT,
      healthPort: WEB_PORT,
    });
    const worker = taskDefinition("WorkerTask", {
      cpu: 1024,
      memoryLimitMiB: 2048,
      process: "worker",
      command:
        "node --max-semi-space-size=8 --max-old-space-size=192 --enable-source-maps build/worker.js",
      log: workerLog,
      env: { WORKER_CONCURRENCY: "4", WORKER_HEALTH_PORT: String(WORKER_HEALTH_PORT) },
      healthPort: WORKER_HEALTH_PORT,
    });
    // No service of its own: the Migrations custom resource below runs it on each deploy.
    const migrate = taskDefinition("MigrateTask", {
      cpu: 512,
      memoryLimitMiB: 1024,
      process: "migrate",
      command: "node --import tsx db/cli.ts migrate",
      log: migrateLog,
    });
    // The media bucket and nothing else: no other bucket, no wildcard. (Secrets are read by
    // the execution role when the task starts, never by the application itself.)
    media.grantReadWrite(web.taskRole);
    media.grantReadWrite(worker.taskRole);

    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    // Migrations run once per new task definition (a new image or settings), to completion,
    // before the services roll: new code never meets an old schema, and the old code keeps
    // working on the new one (docs/decisions/002-migrations.md). A failure fails the deploy.
    const deployLog = logGroup("DeployLog");
    const runMigrations = new lambda.Function(this, "RunMigrations", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.onEvent",
      timeout: Duration.minutes(1),
      logGroup: deployLog,
      code: lambda.Code.fromInline(MIGRATION_HANDLER),
    });
    const awaitMigrations = new lambda.Function(this, "AwaitMigrations", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.isComplete",
      timeout: Duration.minutes(1),
      logGroup: deployLog,
      code: lambda.Code.fromInline(MIGRATION_HANDLER),
    });
    migrate.grantRun(runMigrations);
    awaitMigrations.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["ecs:DescribeTasks"],
        resources: [
          `arn:${this.partition}:ecs:${this.region}:${this.account}:task/${cluster.clusterName}/*`,
        ],
      }),
    );
    const migrations = new CustomResource(this, "Migrations", {
      serviceToken: new cr.Provider(this, "MigrationsProvider", {
        onEventHandler: runMigrations,
        isCompleteHandler: awaitMigrations,
        queryInterval: Duration.seconds(15),
        totalTimeout: Duration.minutes(30),
        logGroup: deployLog,
      }).serviceToken,
      properties: {
        Cluster: cluster.clusterName,
        TaskDefinition: migrate.taskDefinitionArn,
        Subnets: vpc.selectSubnets(privateSubnets).subnetIds,
        SecurityGroups: [migrateSg.securityGroupId],
      },
    });
    // The task needs the database and a route out (NAT) to pull its image.
    migrations.node.addDependency(database, vpc);
    const deployment = {
      // Zero-downtime rolling deploys: new tasks are healthy before old ones stop.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
    };
    const webService = new ecs.FargateService(this, "WebService", {
      cluster,
      taskDefinition: web,
      desiredCount: 2,
      securityGroups: [webSg],
      vpcSubnets: privateSubnets,
      healthCheckGracePeriod: Duration.seconds(60),
      ...deployment,
    });
    webService.node.addDependency(migrations);
    const workerService = new ecs.FargateService(this, "WorkerService", {
      cluster,
      taskDefinition: worker,
      desiredCount: 1,
      securityGroups: [workerSg],
      vpcSubnets: privateSubnets,
      ...deployment,
    });
    workerService.node.addDependency(migrations);

    // -------------------------------------------------------------------------------------
    // Load balancer: HTTPS only, readiness checks, /metrics never public
    // -------------------------------------------------------------------------------------
    if (props.certificateArn.includes("000000000000")) {
      Annotations.of(this).addWarning(
        "certificateArn is a placeholder: pass -c certificateArn=arn:aws:acm:... to deploy",
      );
    }
    const https = alb.addListener("Https", {
      port: 443,
      certificates: [acm.Certificate.fromCertificateArn(this, "Certificate", props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
    alb.addRedirect(); // port 80 → 443
    const targets = https.addTargets("Web", {
      port: WEB_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [webService],
      // Readiness: database, Redis and migrations; a failing task gets no traffic.
      healthCheck: {
        path: "/readyz",
        healthyHttpCodes: "200",
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      // Connections drain this long after a task leaves the group, before it gets SIGTERM.
      deregistrationDelay: Duration.seconds(30),
    });
    https.addAction("NoPublicMetrics", {
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(["/metrics", "/metrics/*"])],
      action: elbv2.ListenerAction.fixedResponse(404, {
        contentType: "text/plain",
        messageBody: "Not Found",
      }),
    });

    // -------------------------------------------------------------------------------------
    // Metrics from logs: the app logs these events as JSON lines (app/lib/metrics.server.ts)
    // -------------------------------------------------------------------------------------
    const appMetric = (metricName: string) =>
      new cw.Metric({ namespace: NAMESPACE, metricName, period: Duration.minutes(1) });
    const countInto = (
      id: string,
      group: logs.ILogGroup,
      filterPattern: logs.IFilterPattern,
      metricName: string,
      metricValue = "1",
    ) =>
      new logs.MetricFilter(this, id, {
        logGroup: group,
        filterPattern,
        metricNamespace: NAMESPACE,
        metricName,
        metricValue,
      });
    const queueDepthLine = logs.FilterPattern.stringValue("$.event", "=", "queue_depth");
    countInto("JobsReadyFilter", workerLog, queueDepthLine, "JobsReady", "$.jobsReady");
    countInto(
      "OldestReadyJobFilter",
      workerLog,
      queueDepthLine,
      "OldestReadyJobSeconds",
      "$.oldestReadySeconds",
    );
    const connectionFailed = logs.FilterPattern.stringValue("$.event", "=", "db_connection_failed");
    countInto("WebDbFailuresFilter", webLog, connectionFailed, "DatabaseConnectionFailures");
    countInto("WorkerDbFailuresFilter", workerLog, connectionFailed, "DatabaseConnectionFailures");
    countInto(
      "SlowQueriesFilter",
      postgresLog,
      logs.FilterPattern.literal('"duration:"'),
      "SlowQueries",
    );
    const jobsReady = appMetric("JobsReady");
    const oldestJob = appMetric("OldestReadyJobSeconds");
    const dbFailures = appMetric("DatabaseConnectionFailures");
    const slowQueries = appMetric("SlowQueries");

    // -------------------------------------------------------------------------------------
    // Autoscaling
    // -------------------------------------------------------------------------------------
    const webScaling = webService.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 });
    webScaling.scaleOnCpuUtilization("Cpu", {
      targetUtilizationPercent: 60,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    webScaling.scaleOnRequestCount("Requests", {
      requestsPerTarget: 1000, // a minute
      targetGroup: targets,
    });
    const workerScaling = workerService.autoScaleTaskCount({ minCapacity: 1, maxCapacity: 6 });
    workerScaling.scaleOnMetric("Backlog", {
      metric: jobsReady.with({ statistic: "Maximum" }),
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 10, change: -1 },
        { lower: 50, change: +1 },
        { lower: 500, change: +3 },
      ],
      cooldown: Duration.minutes(2),
    });
    workerScaling.scaleOnCpuUtilization("Cpu", { targetUtilizationPercent: 70 });

    // -------------------------------------------------------------------------------------
    // Alarms: the critical and warning conditions of the infrastructure overview
    // -------------------------------------------------------------------------------------
    const alerts = new sns.Topic(this, "Alarms", { displayName: "CivicQ alarms" });
    if (props.alarmEmail)
      alerts.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarm = (
      id: string,
      severity: "critical" | "warning",
      description: string,
      metric: cw.Metric | cw.MathExpression,
      threshold: number,
      options: Partial<cw.CreateAlarmOptions> = {},
    ) => {
      const created = metric.createAlarm(this, id, {
        alarmName: `${this.stackName}-${severity}-${id}`,
        alarmDescription: `[${severity}] ${description} (docs/runbook.md)`,
        threshold,
        evaluationPeriods: 3,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(new cwActions.SnsAction(alerts));
      created.addOkAction(new cwActions.SnsAction(alerts));
      return created;
    };
    const fiveMinutes = { period: Duration.minutes(5) };
    const runningTasks = (service: ecs.FargateService) =>
      new cw.Metric({
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: service.serviceName },
        statistic: "Minimum",
        period: Duration.minutes(1),
      });
    const below = {
      comparisonOperator: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cw.TreatMissingData.BREACHING,
    };

    // critical
    alarm(
      "WebDown",
      "critical",
      "No healthy web task behind the load balancer",
      targets.metrics.healthyHostCount({ statistic: "Minimum", period: Duration.minutes(1) }),
      1,
      below,
    );
    alarm(
      "WorkerDown",
      "critical",
      "No worker task running",
      runningTasks(workerService),
      1,
      below,
    );
    alarm(
      "HighErrorRate",
      "critical",
      "More than 5% of requests answered 5xx",
      new cw.MathExpression({
        expression: "IF(requests > 0, 100 * (target5xx + alb5xx) / requests, 0)",
        usingMetrics: {
          requests: alb.metrics.requestCount({ statistic: "Sum", ...fiveMinutes }),
          target5xx: alb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
            statistic: "Sum",
            ...fiveMinutes,
          }),
          alb5xx: alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
            statistic: "Sum",
            ...fiveMinutes,
          }),
        },
        period: Duration.minutes(5),
        label: "5xx %",
      }),
      5,
      { evaluationPeriods: 1 },
    );
    alarm(
      "DatabaseConnectionFailures",
      "critical",
      "The app or worker cannot connect to PostgreSQL",
      dbFailures.with({ statistic: "Sum", ...fiveMinutes }),
      0,
      { evaluationPeriods: 1 },
    );
    alarm(
      "DatabaseDiskSpace",
      "critical",
      "Database storage over 80% used (under 20% of 20 GiB free; storage autoscaling also acts)",
      database.metricFreeStorageSpace({ statistic: "Minimum", ...fiveMinutes }),
      0.2 * 20 * 1024 ** 3,
      { ...below, treatMissingData: cw.TreatMissingData.NOT_BREACHING },
    );

    // warning
    for (const [id, service] of [
      ["Web", webService],
      ["Worker", workerService],
    ] as const) {
      alarm(
        `${id}HighCpu`,
        "warning",
        `${id} CPU over 70%`,
        service.metricCpuUtilization(fiveMinutes),
        70,
      );
      alarm(
        `${id}HighMemory`,
        "warning",
        `${id} memory over 80%`,
        service.metricMemoryUtilization(fiveMinutes),
        80,
      );
    }
    alarm(
      "DatabaseHighCpu",
      "warning",
      "Database CPU over 70%",
      database.metricCPUUtilization(fiveMinutes),
      70,
    );
    alarm(
      "RedisHighMemory",
      "warning",
      "Redis memory over 80%",
      new cw.Metric({
        namespace: "AWS/ElastiCache",
        metricName: "DatabaseMemoryUsagePercentage",
        dimensionsMap: { CacheClusterId: `${replicationGroupId}-001` },
        statistic: "Maximum",
        ...fiveMinutes,
      }),
      80,
    );
    alarm(
      "HighLatency",
      "warning",
      "p95 response time over 500 ms",
      targets.metrics.targetResponseTime({ statistic: "p95", ...fiveMinutes }),
      0.5,
    );
    alarm(
      "SlowQueries",
      "warning",
      "Database statements over 1 s (log_min_duration_statement)",
      slowQueries.with({ statistic: "Sum", ...fiveMinutes }),
      5,
      { evaluationPeriods: 1 },
    );
    alarm(
      "QueueBacklog",
      "warning",
      "Over 100 due jobs waiting for the worker",
      jobsReady.with({ statistic: "Maximum", ...fiveMinutes }),
      100,
    );
    alarm(
      "QueueStalled",
      "warning",
      "The oldest due job has waited over 10 minutes",
      oldestJob.with({ statistic: "Maximum", ...fiveMinutes }),
      600,
      { evaluationPeriods: 2 },
    );

    // -------------------------------------------------------------------------------------
    new CfnOutput(this, "LoadBalancerDns", { value: alb.loadBalancerDnsName });
    new CfnOutput(this, "AppUrl", { value: appUrl });
    new CfnOutput(this, "MediaBucket", { value: media.bucketName });
    new CfnOutput(this, "MediaCdnDomain", { value: cdn.distributionDomainName });
    new CfnOutput(this, "ImageRepository", { value: repository.repositoryUri });
    new CfnOutput(this, "ClusterName", { value: cluster.clusterName });
    new CfnOutput(this, "MigrateTaskDefinition", { value: migrate.taskDefinitionArn });
    new CfnOutput(this, "AppSubnets", {
      value: vpc.selectSubnets(privateSubnets).subnetIds.join(","),
    });
    new CfnOutput(this, "MigrateSecurityGroup", { value: migrateSg.securityGroupId });
    new CfnOutput(this, "DatabaseSecretArn", { value: dbSecret.secretArn });
    new CfnOutput(this, "SessionSecretArn", { value: sessionSecret.secretArn });
    new CfnOutput(this, "AlarmTopic", { value: alerts.topicArn });
  }
}
