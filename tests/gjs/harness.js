// harness.js: a minimal TAP test runner for `gjs -m`
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import System from 'system';

const tests = [];

export function test(name, fn) {
    tests.push({name, fn});
}

export function assert(condition, message = 'assertion failed') {
    if (!condition)
        throw new Error(message);
}

export function assertEqual(actual, expected, message = '') {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${message} expected ${e}, got ${a}`);
}

export async function assertRejects(promise, check) {
    try {
        await promise;
    } catch (e) {
        check(e);
        return;
    }
    throw new Error('expected a rejection');
}

export function assertThrows(fn, check) {
    try {
        fn();
    } catch (e) {
        check(e);
        return;
    }
    throw new Error('expected an exception');
}

/** Runs every test in order inside a main loop; exits with TAP's verdict. */
export function run() {
    const loop = new GLib.MainLoop(null, false);
    let failed = 0;

    print(`1..${tests.length}`);
    (async () => {
        for (const [i, {name, fn}] of tests.entries()) {
            try {
                await fn();
                print(`ok ${i + 1} ${name}`);
            } catch (e) {
                failed++;
                print(`not ok ${i + 1} ${name}`);
                for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
                    print(`# ${line}`);
            }
        }
        loop.quit();
    })();
    loop.run();
    System.exit(failed ? 1 : 0);
}
