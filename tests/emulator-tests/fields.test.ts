// Field definitions (Fields_List), raw and through the real client, with and without a project in the path.
import * as assert from 'node:assert/strict';
import { FieldType, FieldUsage } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { clients, JOB_TOKEN, useEmulator } from './helpers';

interface FieldJson {
  referenceName: string;
  name: string;
  type: string;
  usage: string;
  readOnly: boolean;
  isIdentity: boolean;
  url: string;
}

describe('emulator: field definitions', function () {
  this.timeout(20_000);
  const em = useEmulator();
  const wit = () => clients(em()).wit;

  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${em().collectionUrl}${path}`, {
      headers: { Authorization: `Bearer ${JOB_TOKEN}`, Accept: 'application/json;api-version=7.1' },
    });
    return { status: res.status, body: await res.json() };
  };

  beforeEach(async () => {
    await em().reset();
    await em().setTokens([JOB_TOKEN]);
  });

  /** The field of `ref` in the list of WebApp (Agile) fields. */
  const field = async (ref: string): Promise<FieldJson> => {
    const { value } = (await get('WebApp/_apis/wit/fields')).body as { value: FieldJson[] };
    const found = value.find((f) => f.referenceName === ref);
    assert.ok(found, `no field ${ref}`);
    return found;
  };

  it('describes each field with its reference name, name, type, readOnly and usage', async () => {
    const facts = async (ref: string) => {
      const f = await field(ref);
      return [f.referenceName, f.name, f.type, f.readOnly, f.usage];
    };
    assert.deepEqual(await facts('System.Title'), ['System.Title', 'Title', 'string', false, 'workItem']);
    assert.deepEqual(await facts('System.Description'), [
      'System.Description',
      'Description',
      'html',
      false,
      'workItem',
    ]);
    assert.deepEqual(await facts('System.Id'), ['System.Id', 'ID', 'integer', true, 'workItem']);
    assert.deepEqual(await facts('System.Tags'), ['System.Tags', 'Tags', 'plainText', false, 'workItem']);
    assert.deepEqual(await facts('System.AreaPath'), [
      'System.AreaPath',
      'Area Path',
      'treePath',
      false,
      'workItem',
    ]);
    assert.deepEqual(await facts('System.CreatedDate'), [
      'System.CreatedDate',
      'Created Date',
      'dateTime',
      true,
      'workItem',
    ]);
    assert.deepEqual(await facts('System.History'), [
      'System.History',
      'History',
      'history',
      false,
      'workItem',
    ]);
    assert.deepEqual(await facts('Microsoft.VSTS.TCM.ReproSteps'), [
      'Microsoft.VSTS.TCM.ReproSteps',
      'Repro Steps',
      'html',
      false,
      'workItem',
    ]);
    const assigned = await field('System.AssignedTo');
    assert.deepEqual([assigned.type, assigned.isIdentity], ['string', true]);
    assert.equal((await field('System.Title')).isIdentity, false);
    assert.equal(assigned.url, `${em().collectionUrl}_apis/wit/fields/System.AssignedTo`);
  });

  it("lists the project's fields, or every field at organization level", async () => {
    const refs = async (path: string) =>
      ((await get(path)).body as { count: number; value: FieldJson[] }).value.map((f) => f.referenceName);
    const webApp = await refs('WebApp/_apis/wit/fields'); // Agile
    const starter = await refs('Starter/_apis/wit/fields'); // Basic
    const all = await refs('_apis/wit/fields');
    assert.ok(webApp.includes('Microsoft.VSTS.Scheduling.StoryPoints'));
    assert.ok(!webApp.includes('Microsoft.VSTS.Scheduling.Effort'), 'Effort is Scrum');
    assert.ok(!starter.includes('Microsoft.VSTS.TCM.ReproSteps'), 'Basic has no Bug');
    assert.ok(
      all.includes('Microsoft.VSTS.Scheduling.Effort') &&
        all.includes('Microsoft.VSTS.Scheduling.StoryPoints'),
    );
    assert.ok(webApp.length < all.length);
    const { body } = await get('_apis/wit/fields');
    assert.equal((body as { count: number }).count, all.length);
  });

  it('serves the real client, which maps type and usage to its enums', async () => {
    const fields = await wit().getFields('WebApp');
    const description = fields.find((f) => f.referenceName === 'System.Description');
    assert.equal(description?.type, FieldType.Html);
    assert.equal(description?.usage, FieldUsage.WorkItem);
    assert.ok(
      fields.some((f) => f.referenceName === 'System.IterationPath' && f.type === FieldType.TreePath),
    );
    const log = await em().requests();
    assert.deepEqual(
      log.filter((r) => r.kind === 'rest').map((r) => `${r.path} ${r.spec} ${r.apiVersion}`),
      ['/fabrikam/WebApp/_apis/wit/fields /{organization}/{project}/_apis/wit/fields 7.1-preview.2'],
    );
  });
});
