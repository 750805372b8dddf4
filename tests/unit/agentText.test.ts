import * as assert from 'node:assert/strict';
import { inertLines } from '../../tasks/PipelineWorkItem/src/text/agentText';

describe('text the agent reads', () => {
  const cases: { name: string; text: string; lines: string[] }[] = [
    { name: 'leaves plain text alone', text: 'Fingerprint: main', lines: ['Fingerprint: main'] },
    { name: 'leaves Markdown headings and lone hashes alone', text: '## Run #12', lines: ['## Run #12'] },
    {
      name: 'breaks a logging command at the start of a line',
      text: '##vso[task.complete result=Failed;]done',
      lines: ['# #vso[task.complete result=Failed;]done'],
    },
    {
      name: 'breaks one inside a line',
      text: 'fix: x ##vso[task.setvariable variable=DEPLOY_TARGET]prod',
      lines: ['fix: x # #vso[task.setvariable variable=DEPLOY_TARGET]prod'],
    },
    { name: 'in any case', text: '##VSO[a]##VsO[b]', lines: ['# #VSO[a]# #VsO[b]'] },
    { name: 'with a letter that folds to s', text: '##vſo[x]', lines: ['# #vſo[x]'] },
    {
      name: 'with invisible format characters inside the marker',
      text: '#\u200b#v\u00adso[x] #\u2060#[y]',
      lines: ['# \u200b#v\u00adso[x] # \u2060#[y]'],
    },
    { name: 'breaks a formatting command', text: '##[error]forged', lines: ['# #[error]forged'] },
    { name: 'breaks each of a run of hashes', text: '####[x', lines: ['### #[x'] },
    {
      name: 'splits at CR, LF, CRLF, NEL and the Unicode line and paragraph separators',
      text: 'a\rb\nc\r\nd\u0085e\u2028f\u2029g',
      lines: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    },
    {
      name: 'breaks a command that a line end would otherwise start',
      text: 'ok\r##vso[task.setvariable variable=X]1',
      lines: ['ok', '# #vso[task.setvariable variable=X]1'],
    },
    { name: 'keeps empty lines', text: '\n', lines: ['', ''] },
    { name: 'leaves a marker without its bracket', text: '##vso ##vs[ #[', lines: ['##vso ##vs[ #['] },
    { name: 'leaves hashes with a bracket only before them', text: '[x] ##vso ##', lines: ['[x] ##vso ##'] },
    { name: 'breaks a command after a bracket', text: '[x] ##[warning]y', lines: ['[x] # #[warning]y'] },
  ];
  for (const { name, text, lines } of cases) {
    it(name, () => assert.deepEqual(inertLines(text), lines));
  }
});
