// pg_pair.mjs — a PostgreSQL primary and its synchronous standby on two TCP ports of this machine, for
// the failover test: the arrangement README's "Failover" describes, made from Debian's packages as an
// unprivileged user (nobody when we are root, as postgres.mjs does) in a temporary directory.
//
// The primary streams its WAL to the standby, which is named in the primary's synchronous_standby_names,
// and every commit waits for synchronous_commit=on: a commit is acknowledged only once the standby has
// it. The standby is a pg_basebackup -R clone, so it inherits the primary's settings, that one
// included; it is set empty on the standby, which once promoted commits alone rather than wait for a
// standby it does not have (until the operator rebuilds one). fsync is off: the test kills processes,
// and a killed process's writes are in the kernel's cache all the same; a power cut is not tested here.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childPids, freePort, isAlive } from './lib.mjs';
import { asOwner, ownerCommand, psql } from './postgres.mjs';

const USER = 'lantern'; // owns the clusters and lantern's database
const REPLICATOR = 'replicator'; // the role the standby streams as
const STANDBY_NAME = 'standby'; // its application_name, which synchronous_standby_names names
const DATABASE = 'lantern';

/** The URI of database `db` on the server listening on 127.0.0.1:`port`. */
const uriAt = (port, db = DATABASE) => `postgresql://${USER}@127.0.0.1:${port}/${db}`;

/** Appends PostgreSQL settings to a cluster's configuration file (a later line wins). */
function configure(file, settings) {
  const lines = Object.entries(settings).map(([k, v]) => `${k} = '${v}'`);
  fs.appendFileSync(file, `\n# pg_pair.mjs\n${lines.join('\n')}\n`);
}

/** Starts the server of `data` on 127.0.0.1:`port`, its Unix socket in `dir`. */
function start(dir, data, port, log) {
  asOwner('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
}

/** The postmaster's pid, from the first line of its postmaster.pid. */
function postmasterPid(data) {
  return Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function waitFor(what, check, ms = 60_000) {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    try {
      if (check()) return;
    } catch { /* not yet */ }
  }
  throw new Error(`pg_pair: timed out waiting for ${what}`);
}

/**
 * Starts a primary and its synchronous standby. Resolves {
 *   uri          lantern's connection string: both hosts, target_session_attrs=read-write
 *   primary, standby   { port, uri }: each server's database alone (for checks with psql)
 *   pauseReplication() SIGSTOP to the primary's WAL sender: WAL stops flowing to the standby, as when
 *                      it lags or the network between them stalls (commits then wait for it under
 *                      synchronous commit, and are acknowledged without it otherwise)
 *   killPrimary()      SIGKILL to the primary's postmaster (its backends then exit by themselves),
 *                      and to a paused WAL sender, which would have died with its machine
 *   promote()          pg_ctl promote on the standby; resolves once it takes writes (the event loop
 *                      runs meanwhile: the test's clients keep sending)
 *   stop()       both servers stopped and their directory removed (also at exit)
 * }
 */
export async function startPair() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-pg-pair-'));
  if (process.getuid() === 0) fs.chownSync(dir, 65534, 65534); // nobody:nogroup
  const nodes = { primary: { data: path.join(dir, 'primary') }, standby: { data: path.join(dir, 'standby') } };
  for (const n of Object.values(nodes)) n.log = `${n.data}.log`;
  const killed = new Set(); // processes of a killed postmaster, SIGKILLed too at stop() if still there
  let paused = 0; // the primary's WAL sender while it is stopped
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (paused) process.kill(paused, 'SIGCONT'); // a stopped process would hold its postmaster's shutdown
    for (const n of Object.values(nodes)) {
      if (fs.existsSync(path.join(n.data, 'postmaster.pid')) && isAlive(postmasterPid(n.data))) {
        try { asOwner('pg_ctl', ['-D', n.data, '-m', 'immediate', '-w', 'stop']); } catch { /* gone */ }
      }
    }
    for (const pid of killed) {
      try {
        if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres')) process.kill(pid, 'SIGKILL');
      } catch { /* gone */ }
    }
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  };
  process.on('exit', stop);
  try {
    nodes.primary.port = await freePort();
    nodes.standby.port = await freePort();
    const { primary, standby } = nodes;

    asOwner('initdb', ['-D', primary.data, '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    // Connections over TCP from this machine only: lantern and psql as lantern, the standby as the
    // replication role. (trust: a throwaway test cluster; production uses scram-sha-256.)
    fs.writeFileSync(path.join(primary.data, 'pg_hba.conf'), [
      'local all all trust',
      `host all ${USER} 127.0.0.1/32 trust`,
      `host replication ${REPLICATOR} 127.0.0.1/32 trust`,
      '',
    ].join('\n'));
    configure(path.join(primary.data, 'postgresql.conf'), {
      wal_level: 'replica', max_wal_senders: 4, synchronous_commit: 'on', fsync: 'off', max_connections: 200,
    });
    start(dir, primary.data, primary.port, primary.log);
    const primaryAdmin = uriAt(primary.port, 'postgres');
    psql(primaryAdmin, `CREATE ROLE ${REPLICATOR} REPLICATION LOGIN`);
    psql(primaryAdmin, `CREATE DATABASE ${DATABASE} OWNER ${USER} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    // Set as an operator would, in postgresql.auto.conf, before the standby is cloned: the clone
    // inherits it (undone below).
    psql(primaryAdmin, `ALTER SYSTEM SET synchronous_standby_names = '${STANDBY_NAME}'`);
    psql(primaryAdmin, 'SELECT pg_reload_conf()');

    asOwner('pg_basebackup', ['-D', standby.data, '-d',
      `host=127.0.0.1 port=${primary.port} user=${REPLICATOR} application_name=${STANDBY_NAME}`,
      '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    configure(path.join(standby.data, 'postgresql.auto.conf'), {
      primary_conninfo: `host=127.0.0.1 port=${primary.port} user=${REPLICATOR} application_name=${STANDBY_NAME}`,
      synchronous_standby_names: '', // once promoted, commit without a standby of its own
    });
    start(dir, standby.data, standby.port, standby.log);
    await waitFor('the standby to stream synchronously', () => psql(primaryAdmin,
      `SELECT sync_state FROM pg_stat_replication WHERE application_name = '${STANDBY_NAME}'`) === 'sync');

    return {
      uri: `postgresql://${USER}@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/${DATABASE}?target_session_attrs=read-write`,
      primary: { port: primary.port, uri: uriAt(primary.port) },
      standby: { port: standby.port, uri: uriAt(standby.port) },
      pauseReplication() {
        paused = Number(psql(primaryAdmin, `SELECT pid FROM pg_stat_replication WHERE application_name = '${STANDBY_NAME}'`));
        process.kill(paused, 'SIGSTOP');
      },
      killPrimary() {
        const pid = postmasterPid(primary.data);
        for (const child of childPids(pid)) killed.add(child);
        process.kill(pid, 'SIGKILL');
        if (paused) process.kill(paused, 'SIGKILL');
        paused = 0;
        return pid;
      },
      promote() {
        const [cmd, argv] = ownerCommand('pg_ctl', ['-D', standby.data, '-w', '-t', '60', 'promote']);
        return new Promise((resolve, reject) => execFile(cmd, argv, { cwd: '/' }, (err, stdout, stderr) => {
          if (err) reject(new Error(`pg_ctl promote: ${stderr || err.message}`));
          else resolve();
        }));
      },
      stop,
    };
  } catch (err) {
    const logs = Object.values(nodes).map((n) => { try { return fs.readFileSync(n.log, 'utf8'); } catch { return ''; } });
    stop();
    throw new Error(`cannot start the PostgreSQL pair: ${err.stderr || err.message}\n${logs.join('\n')}`);
  }
}
