import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import { failureOf } from '../../tasks/PipelineWorkItem/src/ado/resilientHttp';
import {
  Failure,
  isNetworkCode,
  isServiceErrorBody,
  retryAfterMs,
  RetryPolicy,
  verdict,
  Verdict,
} from '../../tasks/PipelineWorkItem/src/ado/retry';

describe('retry policy', () => {
  const table: [string, Failure, Verdict, Verdict][] = [
    ['429 is refused before anything happens', { status: 429 }, 'retry', 'retry'],
    ['a refused connection never reached the service', { code: 'ECONNREFUSED' }, 'retry', 'retry'],
    ['an unknown host was never reached', { code: 'ENOTFOUND' }, 'retry', 'retry'],
    ['a failed DNS lookup was never sent', { code: 'EAI_AGAIN' }, 'retry', 'retry'],
    ['500 may have done the write', { status: 500 }, 'retry', 'unknownOutcome'],
    ['502', { status: 502 }, 'retry', 'unknownOutcome'],
    ['503', { status: 503 }, 'retry', 'unknownOutcome'],
    ['504', { status: 504 }, 'retry', 'unknownOutcome'],
    ['a reset after sending', { code: 'ECONNRESET' }, 'retry', 'unknownOutcome'],
    ['a socket that timed out', { code: 'ETIMEDOUT' }, 'retry', 'unknownOutcome'],
    ['a broken pipe', { code: 'EPIPE' }, 'retry', 'unknownOutcome'],
    ['an aborted connection', { code: 'ECONNABORTED' }, 'retry', 'unknownOutcome'],
    ['an idle socket closed', { code: 'ESOCKETTIMEDOUT' }, 'retry', 'unknownOutcome'],
    ['a timeout', { timedOut: true }, 'retry', 'unknownOutcome'],
    ['400: the request is wrong', { status: 400 }, 'fail', 'fail'],
    ['401: the token', { status: 401 }, 'fail', 'fail'],
    ['403: the permission', { status: 403 }, 'fail', 'fail'],
    ['404', { status: 404 }, 'fail', 'fail'],
    ['501 is not transient', { status: 501 }, 'fail', 'fail'],
    ['another network error', { code: 'EPROTO' }, 'fail', 'fail'],
    ['a 500 the service explains as final', { status: 500, final: true }, 'fail', 'fail'],
  ];
  for (const [name, failure, read, write] of table) {
    it(`${name}: ${read} for a read, ${write} for a write`, () => {
      assert.equal(verdict(failure, true), read);
      assert.equal(verdict(failure, false), write);
    });
  }

  it('knows the network failures from other error codes', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']) {
      assert.equal(isNetworkCode(code), true, code);
    }
    assert.equal(isNetworkCode('EPROTO'), false);
    assert.equal(isNetworkCode(undefined), false);
  });

  it("tells Azure DevOps' own error body, as the text of an answer or parsed, from any other", () => {
    const body = { typeKey: 'ServiceUnavailableException', message: 'TF400898: busy' };
    assert.equal(isServiceErrorBody(JSON.stringify(body)), true);
    assert.equal(isServiceErrorBody(body), true);
    // A gateway's page, another JSON, a typeKey that is no name: not the service's answer.
    assert.equal(isServiceErrorBody('<html><body>502 Bad Gateway</body></html>'), false);
    assert.equal(isServiceErrorBody('{"error":"busy"}'), false);
    assert.equal(isServiceErrorBody('{"typeKey":5}'), false);
    assert.equal(isServiceErrorBody('null'), false);
    assert.equal(isServiceErrorBody(undefined), false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('1'), 1000);
    assert.equal(retryAfterMs(['2']), 2000);
    assert.equal(retryAfterMs('0'), 0);
    const now = Date.parse('2026-11-30T10:00:00Z');
    assert.equal(retryAfterMs('Mon, 30 Nov 2026 10:00:05 GMT', now), 5000);
    assert.equal(retryAfterMs('Mon, 30 Nov 2026 09:00:00 GMT', now), 0);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
    assert.equal(retryAfterMs('-3'), undefined);
    assert.equal(retryAfterMs(' 3 '), 3000);
    assert.equal(retryAfterMs('12'), 12_000);
    assert.equal(retryAfterMs('1.25'), 1250);
    assert.equal(retryAfterMs('01 Dec 2026 10:00:05 GMT', Date.parse('2026-12-01T10:00:00Z')), 5000);
  });

  it('reads the three forms of an HTTP date in GMT, whatever the agent’s time zone', () => {
    const zone = process.env['TZ'];
    // Node.js takes a new TZ at once; five hours behind GMT, a date read in local time would be 5 hours off.
    process.env['TZ'] = 'America/New_York';
    try {
      const now = Date.parse('2026-11-30T10:00:00Z');
      assert.equal(retryAfterMs('Mon, 30 Nov 2026 10:00:05 GMT', now), 5000);
      assert.equal(retryAfterMs('Monday, 30-Nov-26 10:00:05 GMT', now), 5000);
      assert.equal(retryAfterMs('Mon Nov 30 10:00:05 2026', now), 5000);
      assert.equal(retryAfterMs('Tue Dec  1 10:00:05 2026', now + 86_400_000), 5000);
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
  });

  it('retries what it may, and stops at the first final failure', async () => {
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 10_000 });
    const attempt = sinon.stub();
    attempt.onFirstCall().rejects(Object.assign(new Error('busy'), { statusCode: 503 }));
    attempt.onSecondCall().resolves('done');
    const retryable = (e: unknown): boolean => failureOf(e).status === 503;
    assert.equal(await policy.run(attempt, retryable), 'done');
    sinon.assert.calledTwice(attempt);
    const final = sinon.stub().rejects(Object.assign(new Error('bad'), { statusCode: 400 }));
    await assert.rejects(policy.run(final, retryable), /bad/);
    sinon.assert.calledOnce(final);
  });

  it('gives up at once when the budget is spent, and when a Retry-After would overrun it', async () => {
    let now = 0;
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 5_000 }, () => now);
    const busy = Object.assign(new Error('throttled'), { statusCode: 429 });
    const attempt = sinon.stub().rejects(busy);
    await assert.rejects(
      policy.run(
        attempt,
        () => true,
        () => 60_000,
      ),
      /throttled/,
    );
    sinon.assert.calledOnce(attempt);
    now = 6_000;
    const late = sinon.stub().rejects(busy);
    await assert.rejects(
      policy.run(late, () => true),
      /throttled/,
    );
    sinon.assert.calledOnce(late);
  });

  it('stops retrying the moment the budget is spent', async () => {
    let now = 0;
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 5_000 }, () => now);
    const attempt = sinon.stub();
    attempt.onFirstCall().callsFake(async () => {
      now = 5_000;
      throw Object.assign(new Error('busy'), { statusCode: 503 });
    });
    attempt.onSecondCall().resolves('done');
    await assert.rejects(
      policy.run(attempt, () => true),
      /busy/,
    );
    sinon.assert.calledOnce(attempt);
  });

  it('a final failure is not waited for, whatever Retry-After it carries', async () => {
    // No timer ever fires here: a wait before giving up would leave the run hanging.
    const clock = sinon.useFakeTimers();
    try {
      const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 60_000 }, () => 0);
      const final = sinon.stub().rejects(Object.assign(new Error('refused'), { statusCode: 400 }));
      await assert.rejects(
        policy.run(
          final,
          () => false,
          () => 30_000,
        ),
        /refused/,
      );
      sinon.assert.calledOnce(final);
      assert.equal(clock.countTimers(), 0);
    } finally {
      clock.restore();
    }
  });

  it('says each wait the service asks for, once, in whole seconds: on a failure and on a successful answer', async () => {
    let now = 0;
    const told = sinon.spy();
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 60_000 }, () => now, told);
    policy.holdFor(1_500);
    policy.holdFor(500);
    assert.deepEqual(told.args, [[loc('RetryAfterWait', 2)]], 'a shorter hold within the first says nothing');
    now = 2_000;
    await policy.ready();
    const attempt = sinon.stub();
    attempt.onFirstCall().rejects(Object.assign(new Error('throttled'), { statusCode: 429 }));
    attempt.onSecondCall().resolves('done');
    assert.equal(
      await policy.run(
        attempt,
        () => true,
        () => 1,
      ),
      'done',
    );
    assert.deepEqual(told.args, [[loc('RetryAfterWait', 2)], [loc('RetryAfterWait', 1)]]);
  });

  it('says a hold in the seconds it has left from now, and once when a second hold ends with the budget too', () => {
    let now = 10_000;
    const told = sinon.spy();
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 60_000 }, () => now, told);
    policy.holdFor(3_000);
    assert.deepEqual(told.args, [[loc('RetryAfterWait', 3)]]);
    policy.holdFor(120_000);
    now = 20_000;
    policy.holdFor(90_000);
    assert.deepEqual(told.args, [[loc('RetryAfterWait', 3)], [loc('RetryAfterWait', 60)]]);
  });

  it('says nothing of a Retry-After of 0, on a failure or on an answer', async () => {
    const told = sinon.spy();
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 60_000 }, () => 0, told);
    policy.holdFor(0);
    const attempt = sinon.stub();
    attempt.onFirstCall().rejects(Object.assign(new Error('throttled'), { statusCode: 429 }));
    attempt.onSecondCall().resolves('done');
    const clock = sinon.useFakeTimers();
    try {
      const done = policy.run(
        attempt,
        () => true,
        () => 0,
      );
      await clock.runAllAsync();
      assert.equal(await done, 'done');
    } finally {
      clock.restore();
    }
    assert.equal(attempt.callCount, 2);
    assert.deepEqual(told.args, []);
  });

  it('backs off 0.5 s, 1 s, 2 s … doubling, with jitter up to twice that, and never waits over 15 s', async () => {
    const clock = sinon.useFakeTimers();
    const random = sinon.stub(Math, 'random');
    try {
      const gaps = async (jitter: number): Promise<number[]> => {
        random.returns(jitter);
        const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 120_000 }, () => clock.now);
        const times: number[] = [];
        const attempt = sinon.stub().callsFake(async () => {
          times.push(clock.now);
          throw Object.assign(new Error('busy'), { statusCode: 503 });
        });
        const run = assert.rejects(
          policy.run(attempt, () => true),
          /busy/,
        );
        await clock.runAllAsync();
        await run;
        return times.slice(1).map((time, i) => time - times[i]);
      };
      assert.deepEqual(await gaps(0), [500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
      assert.deepEqual(await gaps(0.999), [1_000, 1_999, 3_998, 7_996, 15_000, 15_000, 15_000, 15_000]);
    } finally {
      random.restore();
      clock.restore();
    }
  });

  it('gives up when the service asks to wait exactly what is left of the budget', async () => {
    const policy = new RetryPolicy({ requestTimeoutMs: 1000, budgetMs: 5_000 }, () => 0);
    const attempt = sinon.stub();
    attempt.onFirstCall().rejects(Object.assign(new Error('throttled'), { statusCode: 429 }));
    attempt.onSecondCall().resolves('done');
    await assert.rejects(
      policy.run(
        attempt,
        () => true,
        () => 5_000,
      ),
      /throttled/,
    );
    sinon.assert.calledOnce(attempt);
  });
});
