// What nginx/install writes, looked at and served: a scratch directory with a throw-away certificate
// for NAME, nginx/install --dest into it, and Debian's own nginx serving a site it wrote
// (deploy.test.mjs, deploy_hosts.test.mjs).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, waitUntil } from './lib.mjs';

export const INSTALL = path.join(ROOT, 'nginx', 'install');
export const NAME = 'lantern.test';
const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const isRoot = process.getuid() === 0;
const TEMP_KINDS = ['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi'];

/**
 * A scratch directory (kit.dir) with a certificate for NAME (kit.cert, kit.key). kit.install runs
 * nginx/install --dest, kit.serve starts nginx on a site it wrote, kit.curl talks to it, and
 * kit.stop() ends every nginx and removes the directory.
 */
export function installKit() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-deploy-'));
  fs.chmodSync(dir, 0o755); // nginx's workers (nobody) read the scratch copies of the error log paths
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`],
  { stdio: 'ignore' });
  const nginxes = [];

  /** nginx/install --dest DIR/label with `args` (and the site's certificate and log directory unless
   * `site` is false); returns { dest, status, stderr } whatever it answered. */
  function run(label, args, { site = true } = {}) {
    const dest = path.join(dir, label);
    const siteArgs = site ? ['--tls-cert', cert, '--tls-key', key, '--log-dir', path.join(dest, 'log')] : [];
    const r = spawnSync(INSTALL, ['--dest', dest, '--server-name', NAME, ...siteArgs, ...args], { encoding: 'utf8' });
    return { dest, status: r.status, stderr: r.stderr };
  }

  /** run(), which must succeed; returns the directory it wrote. */
  function install(label, args, options) {
    const { dest, status, stderr } = run(label, args, options);
    assert.equal(status, 0, `nginx/install: ${stderr}`);
    fs.mkdirSync(path.join(dest, 'log'), { recursive: true });
    return dest;
  }

  /** curl to https://NAME:port (or http:// with plain) on 127.0.0.1, trusting the throw-away certificate. */
  function curl(port, urlPath, extra = [], { plain = false } = {}) {
    const url = `${plain ? 'http' : 'https'}://${NAME}:${port}${urlPath}`;
    const r = spawnSync('curl', ['-sS', '--cacert', cert, '--resolve', `${NAME}:${port}:127.0.0.1`, '-D', '-', ...extra, url],
      { encoding: 'utf8', timeout: 30_000 });
    const split = r.stdout.indexOf('\r\n\r\n');
    const head = split < 0 ? '' : r.stdout.slice(0, split);
    return { code: r.status, stderr: r.stderr, status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: r.stdout.slice(split + 4) };
  }

  /** nginx -t on the site installed in `dest`, then nginx serving it in the foreground until stop(). */
  async function serve(dest, httpsPort) {
    const conf = debianNginxConf(dest);
    const check = spawnSync(NGINX, ['-t', '-c', conf], { encoding: 'utf8' });
    assert.equal(check.status, 0, `nginx -t rejected the site:\n${check.stderr}`);
    assert.match(check.stderr, /test is successful/);
    const n = spawn(NGINX, ['-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
    nginxes.push(n);
    await waitUntil(() => fs.existsSync(path.join(dest, 'nginx.pid')), 'nginx to start');
    await waitUntil(() => curl(httpsPort, '/favicon.ico').code === 0, 'nginx to answer');
  }

  async function stop() {
    for (const n of nginxes) n.kill('SIGQUIT');
    await Promise.all(nginxes.map((n) => new Promise((resolve) => (n.exitCode !== null ? resolve() : n.on('exit', resolve)))));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  return { dir, cert, key, run, install, curl, serve, stop };
}

/**
 * Debian's own /etc/nginx/nginx.conf, moved into `dest` (its pid, logs and temporary files there,
 * its workers as nobody when run as root) and including the site nginx/install wrote there.
 */
function debianNginxConf(dest) {
  const conf = fs.readFileSync('/etc/nginx/nginx.conf', 'utf8');
  const moved = conf
    .replace(/^user\s+[^;]+;/m, isRoot ? 'user nobody nogroup;' : '')
    .replace(/^pid\s+[^;]+;/m, `pid ${dest}/nginx.pid;`)
    .replace(/^(\s*)error_log\s+[^;]+;/m, `$1error_log ${dest}/log/error.log;`)
    .replace(/^(\s*)access_log\s+[^;]+;/m, `$1access_log ${dest}/log/access.log;`)
    .replace(/include\s+\/etc\/nginx\/sites-enabled\/\*;/, `include ${dest}/etc/nginx/sites-enabled/*;\n` +
      TEMP_KINDS.map((t) => `${t}_temp_path ${dest}/tmp/${t};`).join('\n'));
  assert.ok(moved.includes(`${dest}/etc/nginx/sites-enabled/*`), 'Debian\'s nginx.conf includes sites-enabled');
  for (const t of TEMP_KINDS) fs.mkdirSync(path.join(dest, 'tmp', t), { recursive: true });
  if (isRoot) execFileSync('chown', ['-R', 'nobody:nogroup', path.join(dest, 'tmp')]);
  const file = path.join(dest, 'nginx.conf');
  fs.writeFileSync(file, moved);
  return file;
}

/** `systemd-analyze verify` of the units named, in `dir`: { status, stderr }, or null without systemd. */
export function verifyUnits(dir, names) {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...names], { cwd: dir, encoding: 'utf8' });
  return r.error ? null : { status: r.status, stderr: r.stderr };
}
