import * as assert from 'node:assert/strict';
import { assertOwnCommands, dotnetTrim, parseCommands } from './agent';

/** The check on output as a task could write it: stdout and stderr, parsed as the agent parses them. */
function check(stdout: string, stderr = ''): void {
  assertOwnCommands({ stdout, stderr, commands: [...parseCommands(stdout), ...parseCommands(stderr)] });
}

const OWN = [
  '##vso[task.debug]reading inputs',
  'Fingerprint: WebApp-CI main pwi:0123456789ab',
  '##vso[task.issue type=warning;]a warning',
  '##vso[task.setvariable variable=WorkItemId;isOutput=true;issecret=false;]7',
  '##vso[task.setvariable variable=WorkItemUrl;isOutput=true;issecret=false;]https://x.example/7',
  '##vso[task.setvariable variable=WorkItemAction;isOutput=true;issecret=false;]created',
  '##vso[task.uploadsummary]/tmp/summary.md',
  '##vso[task.complete result=Succeeded;]done',
];

describe('the agent-parse check of every e2e run', () => {
  it("passes a run of the task's own commands", () => check(OWN.join('\n')));

  const hostile: [string, string, string?][] = [
    ['a command inside a line', 'x ##vso[task.debug]y'],
    ['a command after a bare CR', 'x\r##vso[task.setvariable variable=X]y'],
    ['a command in another case', '##VSO[task.setvariable variable=DEPLOY_TARGET]prod'],
    ['a second command in a line', '##vso[task.debug]a ##vso[task.debug]b'],
    ['a formatting command', '##[error]forged'],
    ['a formatting command inside a line', 'x ##[group]y'],
    ['a variable that is not an output', '##vso[task.setvariable variable=DEPLOY_TARGET]prod'],
    ['an output variable set without isOutput', '##vso[task.setvariable variable=WorkItemId]7'],
    ['a command the task never writes', '##vso[build.addbuildtag]x'],
    ['a second result', '##vso[task.complete result=Failed;]x'],
    ['a second summary', '##vso[task.uploadsummary]/etc/passwd'],
    ['a malformed command', '##vso[task'],
    ['a command on stderr', '', '##vso[task.debug]x'],
  ];
  for (const [name, extra, stderr] of hostile) {
    it(`fails on ${name}`, () => assert.throws(() => check([...OWN, extra].join('\n'), stderr)));
  }

  it('fails on a run that never set its result', () => {
    assert.throws(() => check(OWN.slice(0, -1).join('\n')), /exactly once/);
  });
});

describe('the inputs as the agent gives them', () => {
  it('trims what .NET’s String.Trim trims, and nothing inside or beyond it', () => {
    assert.equal(dotnetTrim(' \t\r\n Bug \u3000\u00A0\u0085\u2029'), 'Bug');
    assert.equal(dotnetTrim('\u2003a b\u2028'), 'a b');
    // A byte order mark is no white space to .NET, though JavaScript's own trim removes it.
    assert.equal(dotnetTrim('\uFEFFBug\uFEFF'), '\uFEFFBug\uFEFF');
    assert.equal(dotnetTrim('\u200BBug'), '\u200BBug');
  });
});
