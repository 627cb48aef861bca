'use strict';
// Preload for `faaslight measure --platform gcf`. The Functions Framework (v5) has no host option:
// it calls server.listen(port) on every interface. This hook binds the server to 127.0.0.1 on a
// free port (no port races between runs) and reports "listening <port>" on the file descriptor
// named by $FAASLIGHT_READY_FD, which marks the end of init for the measurer.
const net = require('node:net');
const fs = require('node:fs');

const fd = Number(process.env.FAASLIGHT_READY_FD);
const origListen = net.Server.prototype.listen;
let done = false;

net.Server.prototype.listen = function listenLocal(...args) {
  if (done || (typeof args[0] !== 'number' && typeof args[0] !== 'string') || !/^\d+$/.test(String(args[0]))) {
    return origListen.apply(this, args);
  }
  done = true;
  const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
  this.once('listening', () => {
    const addr = this.address();
    if (Number.isInteger(fd)) {
      try {
        fs.writeSync(fd, `listening ${addr.port}\n`);
      } catch {
        // Nobody listens for it: harmless.
      }
    }
  });
  return origListen.call(this, 0, '127.0.0.1', cb);
};
