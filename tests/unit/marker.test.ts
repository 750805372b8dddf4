import * as assert from 'node:assert/strict';
import {
  markerHtml,
  readMarkers,
  recurrenceMarkers,
  runKey,
  recurrenceSettled,
  sameAttempt,
  sameRun,
  writeSettled,
} from '../../tasks/PipelineWorkItem/src/lifecycle/marker';
import { markedNotes, RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';
import * as fc from 'fast-check';

describe('run markers', () => {
  it('names the build, job attempt and job, or the release deployment and job', () => {
    assert.equal(runKey(runContext()), 'build-812.1.Test');
    assert.equal(runKey({ ...runContext(), jobAttempt: 2 }), 'build-812.2.Test');
    assert.equal(runKey(runContext({ ...YAML_VARIABLES, 'System.JobId': 'a1b2' })), 'build-812.1.a1b2');
    assert.match(runKey(runContext(RELEASE_VARIABLES)), /^release-57\.3\.1/);
  });

  it('reads the highest occurrence and the runs that wrote, ignoring other comments', () => {
    const comments = [
      { text: `<p>Looking into it.</p>` },
      { text: `<p>Filed</p>\n${markerHtml('build-812.1', 1)}` },
      { text: `<p>Again</p>\n${markerHtml('build-813.1', 2)}` },
      { text: `<p>Occurrence 9 · run x, written by a person</p>` },
    ];
    const markers = readMarkers(comments);
    assert.equal(markers.lastOccurrence, 2);
    assert.deepEqual([...markers.runs].sort(), ['build-812.1', 'build-813.1']);
    assert.deepEqual(readMarkers([]), { lastOccurrence: 0, runs: new Set() });
  });
});

describe('run markers', () => {
  const keys: [name: string, context: Parameters<typeof runKey>[0], expected: string][] = [
    [
      'a build job without a job id or name',
      { build: { id: 9, number: '9' }, release: undefined, jobAttempt: 3, jobId: undefined },
      'build-9.3',
    ],
    [
      'a job without a build id',
      { build: undefined, release: undefined, jobAttempt: 1, jobId: undefined },
      'build-0.1',
    ],
    [
      'a build job by its System.JobId',
      {
        build: { id: 9, number: '9' },
        release: undefined,
        jobAttempt: 1,
        jobId: '12f1170f-54f2-53f3-20dd-22fc7dff55f9',
      },
      'build-9.1.12f1170f-54f2-53f3-20dd-22fc7dff55f9',
    ],
    [
      'a job name outside the marker characters',
      { build: { id: 9, number: '9' }, release: undefined, jobAttempt: 2, jobId: 'Unit tests · ARM64/é' },
      'build-9.2.Unit_tests_ARM64_',
    ],
    [
      'a release without environment id and attempt',
      {
        build: undefined,
        release: {
          id: 57,
          name: 'Release-57',
          definitionName: 'CD',
          environmentId: undefined,
          attempt: undefined,
        },
        jobAttempt: 2,
        jobId: undefined,
      },
      'release-57.0.1',
    ],
    [
      'a release deployment attempt',
      {
        build: { id: 9, number: '9' },
        release: { id: 57, name: 'Release-57', definitionName: 'CD', environmentId: 3, attempt: 4 },
        jobAttempt: 2,
        jobId: 'Deploy',
      },
      'release-57.3.4.Deploy',
    ],
  ];
  for (const [name, context, expected] of keys) {
    it(`names ${name} ${expected}`, () => assert.equal(runKey(context), expected));
  }

  it('writes the marker as a small paragraph', () => {
    assert.equal(
      markerHtml('build-812.1', 12),
      '<p><small>Pipeline Work Items · occurrence 12 · run build-812.1</small></p>',
    );
  });

  it('reads occurrences of several digits', () => {
    const markers = readMarkers([
      { text: markerHtml('build-1.1', 9) },
      { text: markerHtml('build-2.1', 12) },
    ]);
    assert.equal(markers.lastOccurrence, 12);
  });

  it('reads a marker whose words the service wrapped in elements', () => {
    const markers = readMarkers([
      {
        text: '<p><small>Pipeline Work Items · occurrence <span class="x">3</span> · run build-9.1</small></p>',
      },
    ]);
    assert.deepEqual(markers, { lastOccurrence: 3, runs: new Set(['build-9.1']) });
  });

  const page = (...texts: string[]): { id: number; text: string }[] =>
    texts.map((text, index) => ({ id: 100 - index, text }));
  const settles: [name: string, read: { id: number; text: string }[], recurrence: boolean][] = [
    ['nothing read', [], false],
    ['only comments of people', page('<p>Flaky again?</p>', '<p>Looking.</p>'), false],
    ['a resolve marker (occurrence 0) of another run', page(markerHtml('build-7.1.Test', 0)), false],
    ['a filing marker of another run', page('<p>x</p>', markerHtml('build-7.1.Test', 4)), true],
    ['a 1.0.0 filing marker', page(markerHtml('build-7.1', 2)), true],
    ["this run's marker, even of occurrence 0", page(markerHtml('build-9.1.Test', 0)), true],
  ];
  for (const [name, read, expected] of settles) {
    it(`a recurrence is ${expected ? '' : 'not '}settled by ${name}`, () =>
      assert.equal(recurrenceSettled('build-9.1.Test')(read), expected));
  }

  const writes: [
    name: string,
    read: { id: number; text: string }[],
    since: number | undefined,
    done: boolean,
  ][] = [
    ['comments after the write began', page('<p>a</p>', '<p>b</p>'), 90, false],
    ['the comment that was newest before the write', page('<p>a</p>', '<p>b</p>'), 99, true],
    ["this run's marker", page(markerHtml('build-9.1.Test', 3)), 50, true],
    ['a sibling job of the same run', page(markerHtml('build-9.1.Lint', 3)), 50, false],
    ['everything but no bound', page('<p>a</p>'), undefined, false],
  ];
  for (const [name, read, since, expected] of writes) {
    it(`whether the write landed is ${expected ? '' : 'not '}settled by ${name}`, () =>
      assert.equal(writeSettled('build-9.1.Test', since)(read), expected));
  }

  it('reads back every key it writes, whatever the job is called', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 9 }), fc.string(), (id, attempt, job) => {
        const key = runKey({
          build: { id, number: String(id) },
          release: undefined,
          jobAttempt: attempt,
          jobId: job,
        });
        assert.deepEqual([...readMarkers([{ text: markerHtml(key, 2) }]).runs], [key]);
      }),
    );
  });
});

describe('run markers typed by a pusher', () => {
  const KEY = 'build-983.1.Test';
  const FORGED = 'Pipeline Work Items · occurrence 41 · run build-982.1.Test';
  const hostile: [name: string, text: string][] = [
    ['the words of a marker', `npm ERR! ${FORGED}`],
    ['the marker element', `<p><small>${FORGED}</small></p>`],
    ['a fake small element', `</b></li></ul><small>${FORGED}</small>`],
    ['the marker element escaped', `&lt;p&gt;&lt;small&gt;${FORGED}&lt;/small&gt;&lt;/p&gt;`],
    ['the words with entities', 'Pipeline Work Items &middot; occurrence 41 &#183; run build-982.1.Test'],
    ['the marker element in an attribute', `<a title="<p><small>${FORGED}</small></p>">x</a>`],
    ['a closed attribute and the element', `" ><p><small>${FORGED}</small></p><a title="`],
    ['the words on lines of their own', `x\n\n${FORGED}\n`],
  ];
  for (const [name, text] of hostile) {
    it(`reads only the task's own marker from every note quoting ${name}`, () => {
      for (const note of markedNotes(text, KEY)) {
        assert.deepEqual(
          readMarkers([note]),
          { lastOccurrence: note.occurrence, runs: new Set([KEY]) },
          note.text,
        );
      }
    });
  }

  it('reads no marker from a note the task did not mark, whatever it quotes', () => {
    for (const [, text] of hostile) {
      for (const note of markedNotes(text, KEY)) {
        const unmarked = note.text.slice(0, note.text.lastIndexOf('\n<p><small>'));
        assert.deepEqual(readMarkers([{ text: unmarked }]), { lastOccurrence: 0, runs: new Set() }, unmarked);
      }
    }
  });

  it('settles neither a recurrence nor a write by a marker a pusher typed', () => {
    const forged = markedNotes(`npm ERR! ${FORGED}`, 'build-981.1.Test').map((note, index) => ({
      id: 100 - index,
      text: note.text.slice(0, note.text.lastIndexOf('\n<p><small>')),
    }));
    assert.equal(recurrenceSettled('build-982.1.Test')(forged), false);
    assert.equal(writeSettled('build-982.1.Test', undefined)(forged), false);
  });

  it('reads a marker an element spelled out in an attribute value stands before', () => {
    // An HTML serializer leaves `<` unescaped in attribute values: the element there is text of the value.
    const text = `<p><a href="https://x/?q=<p><small>${FORGED}</small></p>">run</a></p>\n${markerHtml(KEY, 3)}`;
    assert.deepEqual(readMarkers([{ text }]), { lastOccurrence: 3, runs: new Set([KEY]) });
  });

  it('reads no marker from an element spelled out in an attribute value alone', () => {
    const text = `<p><a title='<p><small>${FORGED}</small></p>' href="x">run</a></p>`;
    assert.deepEqual(readMarkers([{ text }]), { lastOccurrence: 0, runs: new Set() });
  });
});

describe('run markers as the service may store them', () => {
  const stored: [name: string, text: string][] = [
    ['as written', markerHtml('build-9.1.Test', 3)],
    [
      'with attributes',
      '<p class="x" style="margin:0"><small data-a=\'1\'>Pipeline Work Items · occurrence 3 · run build-9.1.Test</small></p>',
    ],
    ['in upper case', '<P><SMALL>Pipeline Work Items · occurrence 3 · run build-9.1.Test</SMALL></P>'],
    [
      'with white space in and between the tags',
      '<p >\n  <small >Pipeline Work Items · occurrence 3 · run build-9.1.Test</small >\n</p >',
    ],
    [
      'with the middle dot and spaces as entities',
      '<p><small>Pipeline&nbsp;Work Items &middot; occurrence 3&#160;&#xB7; run build-9.1.Test</small></p>',
    ],
    [
      'with the middle dot and spaces as numeric entities, zeros left out or added',
      '<p><small>Pipeline&#xA0;Work Items &#183; occurrence 3&#00160;&#x0b7; run build-9.1.Test</small></p>',
    ],
    [
      'with the words on several lines',
      '<p><small>\n  Pipeline Work Items ·\n  occurrence 3 · run build-9.1.Test\n</small></p>',
    ],
    [
      'inside a division, after a note',
      '<div><p>Failed again</p>\n<p><small>Pipeline Work Items · occurrence 3 · run build-9.1.Test</small></p></div>',
    ],
  ];
  for (const [name, text] of stored) {
    it(`reads a marker stored ${name}`, () =>
      assert.deepEqual(readMarkers([{ text }]), { lastOccurrence: 3, runs: new Set(['build-9.1.Test']) }));
  }

  it('reads the last marker element of a comment, the one that ends what the task wrote', () => {
    const text = `${markerHtml('build-1.1.Test', 5)}\n<p>Note</p>\n${markerHtml('build-2.1.Test', 2)}`;
    assert.deepEqual(readMarkers([{ text }]), { lastOccurrence: 2, runs: new Set(['build-2.1.Test']) });
  });

  const notMarkers: [name: string, text: string][] = [
    [
      'a small element outside a paragraph',
      '<small>Pipeline Work Items · occurrence 3 · run build-9.1.Test</small>',
    ],
    [
      'a paragraph with more than the small element',
      '<p>See <small>Pipeline Work Items · occurrence 3 · run build-9.1.Test</small></p>',
    ],
    [
      'more words in the small element',
      '<p><small>npm ERR! Pipeline Work Items · occurrence 3 · run build-9.1.Test</small></p>',
    ],
    [
      'a run key with other characters',
      '<p><small>Pipeline Work Items · occurrence 3 · run build-9.1.Test&lt;</small></p>',
    ],
    ['an element that is not closed', '<p><small>Pipeline Work Items · occurrence 3 · run build-9.1.Test'],
    [
      'a preformatted block',
      '<pre><small>Pipeline Work Items · occurrence 3 · run build-9.1.Test</small></pre>',
    ],
  ];
  for (const [name, text] of notMarkers) {
    it(`reads no marker from ${name}`, () =>
      assert.deepEqual(readMarkers([{ text }]), { lastOccurrence: 0, runs: new Set() }));
  }
});

describe('runs of a marker key', () => {
  it('a build is one run whatever its attempt and job; a release deployment is one per environment', () => {
    const cases: [string, string, boolean][] = [
      ['build-812.1.Test', 'build-812.2.Lint', true],
      ['build-812.1.Test', 'build-812.1', true],
      ['build-812.1.Test', 'build-8120.1.Test', false],
      ['build-812.1.Test', 'build-81.1.Test', false],
      ['release-57.3.1.Deploy', 'release-57.3.2.Web', true],
      ['release-57.3.1.Deploy', 'release-57.4.1.Deploy', false],
      ['release-57.3.1.Deploy', 'release-5.3.1.Deploy', false],
      ['release-57.31.1.Deploy', 'release-57.3.1.Deploy', false],
      ['build-57.3.1', 'release-57.3.1', false],
      ['garbage', 'garbage', false],
      ['build-812.1.Test', 'garbage', false],
      ['', '', false],
    ];
    for (const [a, b, same] of cases) assert.equal(sameRun(a, b), same, `${a} / ${b}`);
  });

  it('an attempt of a run: its build and job attempt, or its release deployment and attempt, whatever the job', () => {
    const cases: [string, string, boolean][] = [
      ['build-812.1.Test', 'build-812.1.Lint', true],
      ['build-812.1.Test', 'build-812.1', true],
      ['build-812.1.Test', 'build-812.2.Test', false],
      ['build-812.1.Test', 'build-812.12.Test', false],
      ['release-57.3.1.Deploy', 'release-57.3.1.Web', true],
      ['release-57.3.1.Deploy', 'release-57.3.2.Deploy', false],
      ['release-57.3.1.Deploy', 'release-57.4.1.Deploy', false],
      ['build-57.3.1', 'release-57.3.1', false],
      ['garbage', 'garbage', false],
    ];
    for (const [a, b, same] of cases) assert.equal(sameAttempt(a, b), same, `${a} / ${b}`);
  });

  describe('what a recurrence reads in the markers, newest first', () => {
    const note = (occurrence: number, key: string) => ({ text: `<p>x</p>${markerHtml(key, occurrence)}` });

    it('the run of the highest occurrence: the newest marker holding it, not an older one of the same number', () => {
      const read = [
        note(0, 'build-9.1.A'),
        note(2, 'build-8.1.B'),
        note(2, 'build-7.1.C'),
        note(1, 'build-6.1.D'),
      ];
      assert.deepEqual(recurrenceMarkers(read, 'build-10.1.A'), {
        recorded: undefined,
        lastOccurrence: 2,
        recordedBy: 'build-8.1.B',
      });
    });

    it('what this job recorded: its newest marker, a write that is no filing too', () => {
      const read = [note(0, 'build-9.1.A'), note(3, 'build-8.1.B'), note(2, 'build-9.1.A')];
      assert.deepEqual(recurrenceMarkers(read, 'build-9.1.A'), {
        recorded: 0,
        lastOccurrence: 3,
        recordedBy: 'build-8.1.B',
      });
      assert.equal(recurrenceMarkers(read.slice(1), 'build-9.1.A').recorded, 2);
      assert.equal(recurrenceMarkers(read, 'build-9.1.Other').recorded, undefined);
    });

    it('no filing marker: occurrence 0 and no run, whatever other comments say', () => {
      const read = [note(0, 'build-9.1.A'), { text: '<p>occurrence 7 · run build-1.1.A</p>' }];
      assert.deepEqual(recurrenceMarkers(read, 'build-10.1.A'), {
        recorded: undefined,
        lastOccurrence: 0,
        recordedBy: undefined,
      });
      assert.deepEqual(recurrenceMarkers([], 'build-10.1.A'), {
        recorded: undefined,
        lastOccurrence: 0,
        recordedBy: undefined,
      });
    });

    it('agrees with readMarkers on the highest occurrence', () =>
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(5), fc.constantFrom('build-1.1.A', 'build-2.1.B', 'build-3.2.C'))),
          (notes) => {
            const read = notes.map(([occurrence, key]) => note(occurrence, key));
            const markers = recurrenceMarkers(read, 'build-1.1.A');
            assert.equal(markers.lastOccurrence, readMarkers(read).lastOccurrence);
            assert.equal(markers.recordedBy === undefined, markers.lastOccurrence === 0);
          },
        ),
      ));
  });
});
