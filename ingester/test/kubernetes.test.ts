/**
 * deploy/kubernetes: both variants rendered (kustomize's resources and strategic-merge patches, the only
 * features the layout uses, rendered here so the tests need no kubectl; where kubectl is on PATH its own
 * kustomize must render the same objects), every object validated against the Kubernetes API schemas
 * (kubernetes-models), and the project's rules: non-root, read-only root filesystem, resources, probes,
 * names and ports that meet, Secrets only by reference, a sync CronJob that never overlaps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_ID } from '@copilot-metrics/contract';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy', 'kubernetes');
type Obj = Record<string, any>;

/** Strategic merge: lists of objects merge by these keys (Kubernetes' patchMergeKey), others replace. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

function merge(target: any, patch: any, key?: string): any {
  if (Array.isArray(patch) && Array.isArray(target) && key && MERGE_KEYS[key]) {
    const by = MERGE_KEYS[key];
    // As kustomize does: items the patch adds come first, in the patch's order.
    const added = patch.filter((item) => !target.some((existing) => existing[by] === item[by]));
    const merged = target.map((existing) => {
      const item = patch.find((p) => p[by] === existing[by]);
      return item ? merge(existing, item) : existing;
    });
    return [...added, ...merged];
  }
  if (patch && typeof patch === 'object' && !Array.isArray(patch) && target && typeof target === 'object') {
    const out = { ...target };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = k in out ? merge(out[k], v, k) : v;
    }
    return out;
  }
  return patch;
}

/** A kustomization's objects: its resources (files, or directories with their own kustomization), patched. */
function render(dir: string): Obj[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Obj;
  const known = new Set(['apiVersion', 'kind', 'resources', 'patches']);
  const unknown = Object.keys(kustomization).filter((k) => !known.has(k));
  if (unknown.length)
    throw new Error(`${dir}/kustomization.yaml uses ${unknown.join(', ')}, which this renderer does not do`);
  const objects: Obj[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...render(path));
    else objects.push(...parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Obj));
  }
  for (const { path } of kustomization.patches ?? []) {
    const patch = parse(readFileSync(join(dir, path), 'utf8')) as Obj;
    const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
    if (at < 0)
      throw new Error(`${dir}/${path} patches ${patch.kind} ${patch.metadata.name}, which is not there`);
    objects[at] = merge(objects[at], patch);
  }
  return objects;
}

const VARIANTS = ['sqlite', 'postgres'] as const;
const rendered = Object.fromEntries(VARIANTS.map((v) => [v, render(join(DEPLOY, v))])) as Record<
  (typeof VARIANTS)[number],
  Obj[]
>;
const grafana = render(join(DEPLOY, 'grafana'));

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function validate(object: Obj): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind} (${object.metadata?.name})`);
  new Model(object).validate();
}

const one = (objects: Obj[], kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect([kind, name, found.length]).toEqual([kind, name, 1]);
  return found[0];
};

/** Every pod template: the Deployment's and the CronJob's job's. */
const podSpecs = (objects: Obj[]): [string, Obj][] =>
  objects.flatMap((o): [string, Obj][] => {
    if (o.kind === 'Deployment') return [[`Deployment ${o.metadata.name}`, o.spec.template.spec]];
    if (o.kind === 'CronJob') return [[`CronJob ${o.metadata.name}`, o.spec.jobTemplate.spec.template.spec]];
    return [];
  });

const SECRET_VARIABLES = [
  'GITHUB_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
  'DATABASE_URL',
  'INGESTER_API_TOKEN',
  'INGESTER_ADMIN_TOKEN',
  'PRIVACY_KEY',
];

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = kubectl.status === 0;

describe.each(VARIANTS)('the %s variant', (variant) => {
  const objects = rendered[variant];
  const deployment = () => one(objects, 'Deployment', 'copilot-metrics-ingester');
  const container = () => deployment().spec.template.spec.containers.find((c: Obj) => c.name === 'ingester');
  const env = (c: Obj, name: string) => c.env?.find((e: Obj) => e.name === name);

  test('every object is valid against the Kubernetes API schemas', () => {
    expect(objects.length).toBeGreaterThan(3);
    for (const object of objects) expect(() => validate(object)).not.toThrow();
  });

  (hasKubectl ? test : test.skip)('kubectl kustomize renders the same objects', () => {
    const out = spawnSync('kubectl', ['kustomize', join(DEPLOY, variant)], { encoding: 'utf8' });
    expect(out.stderr.replace(/^# Warning:.*\n/gm, '')).toBe('');
    const theirs = parseAllDocuments(out.stdout).map((d) => d.toJS() as Obj);
    const key = (o: Obj) => `${o.kind}/${o.metadata.name}`;
    const sorted = (list: Obj[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(theirs)).toEqual(sorted(objects));
  });

  test('pods run as non-root with a read-only root filesystem, /tmp writable, resources set', () => {
    for (const [name, spec] of podSpecs(objects)) {
      expect([name, spec.securityContext.runAsNonRoot]).toEqual([name, true]);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers) {
        expect([name, c.securityContext]).toMatchObject([
          name,
          { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        ]);
        for (const field of ['requests', 'limits'])
          for (const resource of ['cpu', 'memory'])
            expect([name, field, resource, c.resources?.[field]?.[resource]]).toEqual([
              name,
              field,
              resource,
              expect.anything(),
            ]);
        const tmp = c.volumeMounts.find((m: Obj) => m.mountPath === '/tmp');
        const volume = spec.volumes.find((v: Obj) => v.name === tmp?.name);
        expect([name, volume?.emptyDir]).toEqual([name, expect.any(Object)]);
        // The image's entry: node dist/main.js in /app/ingester (ingester/Dockerfile, package.json "main").
        expect(c.args.slice(0, 2)).toEqual(['node', 'dist/main.js']);
      }
    }
  });

  test('Secrets only by reference: no Secret object, every secret variable from a secretKeyRef', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const [name, spec] of podSpecs(objects)) {
      for (const c of spec.containers) {
        for (const e of c.env ?? []) {
          if (SECRET_VARIABLES.includes(e.name)) {
            expect([name, e.name, e.value, e.valueFrom?.secretKeyRef?.name]).toEqual([
              name,
              e.name,
              undefined,
              'copilot-metrics',
            ]);
          }
        }
      }
    }
    for (const map of objects.filter((o) => o.kind === 'ConfigMap'))
      for (const key of Object.keys(map.data)) expect(SECRET_VARIABLES).not.toContain(key);
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|postgres(ql)?:\/\/[^"\s]*:[^"\s]*@/);
    expect(env(container(), 'GITHUB_TOKEN').valueFrom.secretKeyRef.key).toBe('github-token');
  });

  test('the API: probes on port 8080, a Service that selects its pods and reaches that port', () => {
    const c = container();
    const port = c.ports.find((p: Obj) => p.name === 'http');
    expect(port.containerPort).toBe(8080);
    const config = one(objects, 'ConfigMap', 'copilot-metrics-config');
    expect(config.data.PORT).toBe('8080');
    // Ready once the schema is current (another replica may be migrating); alive while the database answers.
    const paths = {
      startupProbe: '/api/health/ready',
      readinessProbe: '/api/health/ready',
      livenessProbe: '/api/health',
    };
    for (const [probe, path] of Object.entries(paths)) {
      expect([probe, c[probe]?.httpGet]).toEqual([probe, { path, port: 'http' }]);
    }
    const service = one(objects, 'Service', 'copilot-metrics-ingester');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http' }]);
    expect(deployment().spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(deployment().spec.template.metadata.labels).toMatchObject(deployment().spec.selector.matchLabels);
    expect(c.envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }]);
  });

  if (variant === 'sqlite') {
    test('one replica, Recreate, the database on a PersistentVolumeClaim, sync integrated', () => {
      const d = deployment();
      expect(d.spec.replicas).toBe(1);
      expect(d.spec.strategy).toEqual({ type: 'Recreate' });
      const c = container();
      expect(env(c, 'SYNC_MODE').value).toBe('integrated');
      const path = env(c, 'DATABASE_PATH').value as string;
      const mount = c.volumeMounts.find((m: Obj) => path.startsWith(`${m.mountPath}/`));
      const volume = d.spec.template.spec.volumes.find((v: Obj) => v.name === mount?.name);
      const claim = one(objects, 'PersistentVolumeClaim', volume?.persistentVolumeClaim?.claimName);
      expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
      expect(objects.filter((o) => o.kind === 'CronJob')).toEqual([]);
    });
  } else {
    test('three API replicas that never sync, a PodDisruptionBudget, DATABASE_URL from the Secret', () => {
      const d = deployment();
      expect(d.spec.replicas).toBeGreaterThanOrEqual(3);
      expect(env(container(), 'SYNC_MODE').value).toBe('disabled');
      expect(env(container(), 'DATABASE_URL').valueFrom.secretKeyRef.key).toBe('database-url');
      expect(env(container(), 'DATABASE_PATH')).toBeUndefined();
      const pdb = one(objects, 'PodDisruptionBudget', 'copilot-metrics-ingester');
      expect(d.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
      expect(pdb.spec.minAvailable).toBeLessThan(d.spec.replicas);
      expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    });

    test('the sync CronJob: Forbid, deadlines, the same image, settings and database as the API', () => {
      const job = one(objects, 'CronJob', 'copilot-metrics-sync');
      expect(job.spec.concurrencyPolicy).toBe('Forbid');
      expect(job.spec.startingDeadlineSeconds).toBeGreaterThan(0);
      expect(job.spec.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      const pod = job.spec.jobTemplate.spec.template.spec;
      expect(pod.restartPolicy).toBe('Never');
      const [sync] = pod.containers;
      expect(sync.args).toEqual(['node', 'dist/main.js', 'sync']);
      expect(sync.image).toBe(container().image);
      expect(sync.envFrom).toEqual(container().envFrom);
      expect(env(sync, 'DATABASE_URL')).toEqual(env(container(), 'DATABASE_URL'));
      expect(env(sync, 'GITHUB_TOKEN')).toEqual(env(container(), 'GITHUB_TOKEN'));
    });
  }
});

describe('the manifests match the image', () => {
  test('ingester/Dockerfile runs dist/main.js from /app/ingester and exposes 8080', () => {
    const dockerfile = readFileSync(join(ROOT, 'ingester', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^WORKDIR \/app\/ingester$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(JSON.parse(readFileSync(join(ROOT, 'ingester', 'package.json'), 'utf8')).main).toBe(
      'dist/main.js',
    );
  });
});

describe('connecting an existing Grafana', () => {
  test('the data source and dashboard provider ConfigMaps are valid', () => {
    for (const object of grafana) expect(() => validate(object)).not.toThrow();
  });

  test('the data source: the plugin, uid copilot-metrics, the ingester Service, the token from the environment', () => {
    const map = one(grafana, 'ConfigMap', 'copilot-metrics-grafana-datasource');
    const [source] = parse(map.data['copilot-metrics.yaml']).datasources;
    expect(source).toMatchObject({ type: PLUGIN_ID, uid: 'copilot-metrics', access: 'proxy' });
    const url = new URL(source.jsonData.ingesterUrl);
    const service = one(rendered.sqlite, 'Service', 'copilot-metrics-ingester');
    expect(url.hostname.split('.')[0]).toBe(service.metadata.name);
    expect(Number(url.port)).toBe(service.spec.ports[0].port);
    expect(source.secureJsonData.apiToken).toBe('$INGESTER_API_TOKEN');
  });

  test('the dashboards the ConfigMap carries use that data source', () => {
    const dir = join(ROOT, 'dashboards', 'json', 'Copilot');
    expect(existsSync(dir)).toBe(true);
    const overview = readFileSync(join(dir, '1-overview.json'), 'utf8');
    expect(overview).toContain('"uid": "copilot-metrics"');
    const provider = one(grafana, 'ConfigMap', 'copilot-metrics-grafana-dashboard-provider');
    expect(parse(provider.data['copilot-metrics.yaml']).providers[0].options.path).toBe(
      '/var/lib/grafana/dashboards/copilot',
    );
  });
});

test('a broken copy is refused by the schemas (the validation can fail)', () => {
  const broken = structuredClone(one(rendered.postgres, 'Deployment', 'copilot-metrics-ingester'));
  broken.spec.replicas = 'three';
  expect(() => validate(broken)).toThrow(/replicas/);
  const job = structuredClone(one(rendered.postgres, 'CronJob', 'copilot-metrics-sync'));
  job.spec.concurrencyPolicy = 7;
  expect(() => validate(job)).toThrow(/concurrencyPolicy/);
});
