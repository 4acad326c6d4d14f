// A Kubernetes informer of @kubernetes/client-node (1.4.x) on rtmanager's
// gameruntimes (docs/kubernetes-api.md), as an operator would write one:
// list, then watch; on an error, start again after a pause (the library's
// documented pattern). Prints one JSON line per list call and per event.
// Usage: node informer.mjs KUBECONFIG
import * as k8s from '@kubernetes/client-node';

const out = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[2]);
const api = kc.makeApiClient(k8s.CustomObjectsApi);
let listed = 0;
const listFn = async () => {
  const list = await api.listClusterCustomObject({
    group: 'rtmanager.galaxy',
    version: 'v1',
    plural: 'gameruntimes',
  });
  // The informer lists only without a resourceVersion: at its start, and
  // after a watch was told 410 Expired.
  listed += 1;
  out({ event: 'listed', listed, resourceVersion: list.metadata?.resourceVersion ?? null });
  return list;
};
const informer = k8s.makeInformer(kc, '/apis/rtmanager.galaxy/v1/gameruntimes', listFn);
for (const verb of ['add', 'update', 'delete']) {
  informer.on(verb, (object) =>
    out({
      event: verb,
      name: object.metadata.name,
      resourceVersion: object.metadata.resourceVersion,
      observedRestartGeneration: object.status?.observedRestartGeneration ?? null,
      containerId: object.status?.containerId ?? null,
    }),
  );
}
informer.on('error', (error) => {
  out({ event: 'error', message: String(error?.message ?? error), code: error?.statusCode ?? error?.code ?? null });
  setTimeout(() => informer.start(), 300);
});
await informer.start();
