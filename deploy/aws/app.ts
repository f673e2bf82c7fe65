/**
 * The CDK app: `npm run cdk:synth` writes the CloudFormation template to deploy/aws/cdk.out
 * without AWS credentials. To deploy, use the CDK CLI with this file as the app, e.g.
 *   npx aws-cdk deploy --app "npx tsx deploy/aws/app.ts" \
 *     -c certificateArn=arn:aws:acm:... -c imageTag=$(git rev-parse HEAD) -c domainName=civicq.example.org
 * Context (-c, or CDK_CONTEXT_JSON): certificateArn, imageTag, domainName, alarmEmail, azCount
 * (2 or 3, default 3), stackName; account and region only to pin the stack to an environment.
 */
import { App } from "aws-cdk-lib";
import { CivicQStack } from "./civicq-stack";

// The CLI sets CDK_OUTDIR; on our own we write next to this file (git-ignored).
const app = new App({ outdir: process.env.CDK_OUTDIR ?? "deploy/aws/cdk.out" });
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;

const region = context("region");

new CivicQStack(app, context("stackName") ?? "CivicQ", {
  // Unset: the template works in whichever account and region it is deployed to.
  env: { region, account: context("account") },
  azCount: context("azCount") === "2" ? 2 : 3,
  certificateArn:
    context("certificateArn") ??
    `arn:aws:acm:${region ?? "us-east-1"}:000000000000:certificate/00000000-0000-0000-0000-000000000000`,
  imageTag: context("imageTag") ?? "latest",
  domainName: context("domainName"),
  alarmEmail: context("alarmEmail"),
  terminationProtection: true,
  description:
    "CivicQ: ECS Fargate web app and worker, RDS PostgreSQL, ElastiCache Redis, S3 media",
});

app.synth();
