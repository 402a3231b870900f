// The file hosts load: one classic script built from the modules by the Maven build
// (src/build/java/WidgetBundle.java). WidgetNodeTest passes its path in JOBQUEUE_WIDGET_BUNDLE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = process.env.JOBQUEUE_WIDGET_BUNDLE ||
  fileURLToPath(new URL('../../../target/classes/dev/jobqueue/servlet/ui/task-manager.js', import.meta.url));

test('the bundle is a classic script that defines <job-task-manager> once', { skip: !existsSync(bundle) && 'no bundle at ' + bundle + ' (run mvn generate-resources)' }, () => {
  const code = readFileSync(bundle, 'utf8');
  const script = new vm.Script(code, { filename: 'task-manager.js' }); // import/export would not parse
  const defined = new Map();
  const context = vm.createContext({
    HTMLElement: class {},
    customElements: {
      get: (name) => defined.get(name),
      define: (name, cls) => defined.set(name, cls),
    },
  });
  script.runInContext(context);
  assert.deepEqual(Array.from(defined.keys()), ['job-task-manager']);
  assert.deepEqual([...defined.get('job-task-manager').observedAttributes], ['base-path']); // copied out of the vm realm
  script.runInContext(context); // a page that includes the script twice keeps the first definition
  assert.equal(defined.size, 1);
  assert.equal(context.JobTaskManager, undefined, 'nothing leaks into the page scope');
});
