# syntax=docker/dockerfile:1.7
# The GitOps controller's image (docs/delivery.md): Node 22 with the
# project's production dependencies, git, the pinned Terraform binary and the
# providers the stacks require in a filesystem mirror, so `terraform init`
# never asks a registry at run time. It runs as a non-root user on a
# read-only root filesystem: only /data (the controller's data folder) and
# /tmp are written.
#
#   bash scripts/build-image.sh -t fargate-platform-controller   (npm pack, then docker build)
#   docker run --read-only -p 8080:8080 -e WEBHOOK_SECRET -e API_TOKEN fargate-platform-controller \
#     serve --repo https://github.com/OWNER/REPO.git --host 0.0.0.0 --port 8080 --data-dir /data
#
# The versions below are the project's pins: Terraform as in
# src/cli/init-templates.ts (TERRAFORM_VERSION, the workflows install it
# too), the AWS provider as in .terraform.lock.hcl (= @cdktf/provider-aws
# 20.1.0). The stacks no longer use the random provider (RDS manages database
# master passwords); it stays in the mirror, at the version of
# @cdktf/provider-random 12.0.1, so that states deployed before can plan their
# random_password away (docs/upgrading.md, "Address changes in this release").
# test/unit/dockerfile.test.ts keeps them equal.

ARG NODE_IMAGE=node:22.23-bookworm-slim
ARG TERRAFORM_VERSION=1.11.4
ARG TERRAFORM_SHA256=1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc
ARG AWS_PROVIDER_VERSION=5.100.0
ARG RANDOM_PROVIDER_VERSION=3.7.2
ARG RANDOM_PROVIDER_SHA256=7b8434212eef0f8c83f5a90c6d76feaf850f6502b61b53c329e85b3b281cba34

# --- the program, from the packed package as a team installs it: `npm pack`
# (scripts/build-image.sh puts the tarball in the context as
# fargate-platform.tgz) gives the compiled dist/, bin/ and the provider lock
# file; their production dependencies come at the versions of the
# repository's lock file. No compiler, no src/ and no tsx reach the image.
# scripts/package-check.sh runs the same script and serves a signed push from
# its result. better-sqlite3 13 ships its native module prebuilt inside the
# package (Node-API): no build tools, no download, no install script ---
FROM --platform=linux/amd64 ${NODE_IMAGE} AS program
COPY fargate-platform.tgz package-lock.json scripts/image-app.sh /tmp/build/
RUN sh /tmp/build/image-app.sh /tmp/build/fargate-platform.tgz /tmp/build/package-lock.json /app \
 && rm -rf /tmp/build \
 && npm cache clean --force

# --- Terraform and the provider mirror, each download checked against a
# pinned hash before it is unpacked ---
FROM --platform=linux/amd64 ${NODE_IMAGE} AS terraform
ARG TERRAFORM_VERSION
ARG TERRAFORM_SHA256
ARG AWS_PROVIDER_VERSION
ARG RANDOM_PROVIDER_VERSION
ARG RANDOM_PROVIDER_SHA256
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSLo terraform.zip "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip" \
 && echo "${TERRAFORM_SHA256}  terraform.zip" | sha256sum -c - \
 && unzip -q terraform.zip terraform -d /build/bin \
 && rm terraform.zip
# The unpacked mirror layout: terraform init links the provider from here into each workspace instead of copying 700 MB.
RUN mirror=/usr/share/terraform/plugins/registry.terraform.io/hashicorp \
 && curl -fsSLo random.zip "https://releases.hashicorp.com/terraform-provider-random/${RANDOM_PROVIDER_VERSION}/terraform-provider-random_${RANDOM_PROVIDER_VERSION}_linux_amd64.zip" \
 && echo "${RANDOM_PROVIDER_SHA256}  random.zip" | sha256sum -c - \
 && mkdir -p "${mirror}/random/${RANDOM_PROVIDER_VERSION}/linux_amd64" \
 && unzip -q random.zip -d "${mirror}/random/${RANDOM_PROVIDER_VERSION}/linux_amd64" \
 && curl -fsSLo aws.zip "https://releases.hashicorp.com/terraform-provider-aws/${AWS_PROVIDER_VERSION}/terraform-provider-aws_${AWS_PROVIDER_VERSION}_linux_amd64.zip" \
 && curl -fsSLo aws.sums "https://releases.hashicorp.com/terraform-provider-aws/${AWS_PROVIDER_VERSION}/terraform-provider-aws_${AWS_PROVIDER_VERSION}_SHA256SUMS" \
 && grep " terraform-provider-aws_${AWS_PROVIDER_VERSION}_linux_amd64.zip\$" aws.sums | sed "s/ terraform-provider-aws_.*/ aws.zip/" | sha256sum -c - \
 && mkdir -p "${mirror}/aws/${AWS_PROVIDER_VERSION}/linux_amd64" \
 && unzip -q aws.zip -d "${mirror}/aws/${AWS_PROVIDER_VERSION}/linux_amd64" \
 && rm random.zip aws.zip aws.sums
COPY <<'EOF' /build/terraform.rc
# Providers come only from the mirror inside the image: terraform init
# never asks a registry. A provider the mirror lacks fails init, by name.
provider_installation {
  filesystem_mirror {
    path    = "/usr/share/terraform/plugins"
    include = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random"]
  }
}
EOF
# The AWS provider must match the hash the project committed in its lock file
# (its published SHA256SUMS line is checked above): the lock file pins this
# version, and terraform init refuses a package matching none of its hashes.
COPY --from=program /app/.terraform.lock.hcl /build/check/
RUN cd /build/check \
 && grep -A1 '^provider "registry.terraform.io/hashicorp/aws"' .terraform.lock.hcl | grep -q "version *= *\"${AWS_PROVIDER_VERSION}\"" \
 && printf '{"terraform":{"required_providers":{"aws":{"source":"hashicorp/aws","version":"%s"}}}}\n' "${AWS_PROVIDER_VERSION}" > versions.tf.json \
 && CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/build/terraform.rc /build/bin/terraform init -backend=false -input=false -no-color \
 && rm -rf /build/check

# --- the controller ---
FROM --platform=linux/amd64 ${NODE_IMAGE}
# git fetches the watched repository; tini passes SIGTERM on to node and reaps terraform's and git's children
# (as PID 1, or as a subreaper under ECS initProcessEnabled / docker run --init).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 platform \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin platform \
 && mkdir -p /data \
 && chown 10001:10001 /data
COPY --from=terraform /build/bin/terraform /usr/local/bin/terraform
COPY --from=terraform /usr/share/terraform/plugins /usr/share/terraform/plugins
COPY --from=terraform /build/terraform.rc /etc/terraform.rc
WORKDIR /app
COPY --from=program /app ./
# TF_CLI_CONFIG_FILE: the project uses this CLI config as it is (src/terraform/cli-config.ts);
# TF_PROVIDER_MIRROR names the same mirror for `lock` and the checks.
# HOME=/tmp: nothing writes to a home folder, but if something does, it is a writable one.
ENV NODE_ENV=production \
    TF_CLI_CONFIG_FILE=/etc/terraform.rc \
    TF_PROVIDER_MIRROR=/usr/share/terraform/plugins \
    CHECKPOINT_DISABLE=1 \
    TF_IN_AUTOMATION=1 \
    HOME=/tmp \
    TINI_SUBREAPER=1
USER 10001:10001
EXPOSE 8080
# The only folders written: give them writable mounts when the root filesystem is read-only
# (ECS: readonlyRootFilesystem with task volumes mounted at /data and /tmp; docker run --read-only: these volumes).
VOLUME ["/data", "/tmp"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The entrypoint is the platform command; the command runs serve. A task's command replaces all of
# CMD: serve --repo URL (required) --host 0.0.0.0 --port 8080 --data-dir /data, and --store dynamodb://TABLE,
# --github-repository OWNER/REPO, --public-url URL as needed (the controller stack writes exactly that).
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/platform.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
