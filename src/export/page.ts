/**
 * The exported index.html: one self-contained page (inline CSS and JS) that
 * loads model.json with tf.loadLayersModel and vocab.json from its own
 * directory, and samples text in the browser.
 *
 * The model is rebuilt as a *stateful* copy with batch size 1, so the prime
 * is fed once and every further character costs one step, with the whole
 * history in the state — the same computation as `charnn generate`. The
 * sampling code mirrors charnn's (seeded xoshiro128**, float64 softmax with
 * temperature, the per-sample seed of prompt 0, sample 0), so for the same
 * seed and temperature the page draws what `charnn generate --seed` draws,
 * up to float rounding in the two backends' logits.
 *
 * PAGE_SCRIPT is plain ES2017 with no DOM access, so tests run it in Node
 * with charnn's TF.js (src/tf.ts); PAGE_MAIN is the browser glue.
 */

import type { CellType, KerasRecurrentLayer } from '../model/cells/descriptors.js';
import { DEFAULT_SAMPLING } from '../sample/distribution.js';

/** The vocab.json written next to the model. */
export interface ExportVocab {
  format: 'charnn-export';
  version: 1;
  /** Characters in id order: input ids and output columns. */
  chars: string[];
  normalization: 'none' | 'nfc' | 'nfd';
  cell: CellType;
  /**
   * The tf.layers layer of each recurrent layer, as tf.layers[layer](options)
   * (the cell's descriptor): the page rebuilds the model from it. Exports
   * written before it existed carry their own page, which does not read it.
   */
  keras: { layer: KerasRecurrentLayer; options: Record<string, string | boolean> };
  layers: number;
  hidden: number;
  embedding: number;
  vocabSize: number;
  /** The model's last layer is linear: softmax(outputs / T) is the distribution. */
  outputs: 'logits';
  /** Id fed first when there is no prime (a line break when the vocabulary has one). */
  startId: number;
  model: string;
  corpus: string;
  step: number;
  bestValLoss: number | null;
  charnnVersion: string;
}

/** Sampling and model code shared by the page and the tests (defines `charnn`). */
export const PAGE_SCRIPT = String.raw`
var charnn = (function () {
  'use strict';

  /** xoshiro128** seeded by splitmix32, exactly as charnn's Rng. */
  function Rng(seed) {
    this.s = new Uint32Array(4);
    var x = seed >>> 0;
    for (var i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      var z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s[0] === 0 && this.s[1] === 0 && this.s[2] === 0 && this.s[3] === 0) this.s[0] = 1;
  }
  function rotl(x, k) { return ((x << k) | (x >>> (32 - k))) >>> 0; }
  Rng.prototype.next = function () {
    var s = this.s;
    var result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    var t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result / 4294967296;
  };

  /** The seed of sample 'sample' of prompt 'prompt' in a run seeded 'seed' (charnn generate's rule). */
  function sampleSeed(seed, prompt, sample) {
    var x = (seed ^ Math.imul(prompt + 1, 0x9e3779b1)) >>> 0;
    x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
    x = (x ^ Math.imul(sample + 1, 0xc2b2ae35)) >>> 0;
    return (x ^ (x >>> 13)) >>> 0;
  }

  function logSoftmax(logits) {
    var n = logits.length, max = -Infinity, i;
    for (i = 0; i < n; i++) max = Math.max(max, logits[i]);
    var sum = 0;
    for (i = 0; i < n; i++) sum += Math.exp(logits[i] - max);
    var logZ = max + Math.log(sum);
    var out = new Float64Array(n);
    for (i = 0; i < n; i++) out[i] = logits[i] - logZ;
    return out;
  }

  /** Probabilities after temperature (0 = always the most likely character). */
  function distribution(logProbs, temperature) {
    var n = logProbs.length, probs = new Float64Array(n), i;
    if (!(temperature > 0)) {
      var best = 0;
      for (i = 1; i < n; i++) if (logProbs[i] > logProbs[best]) best = i;
      probs[best] = 1;
      return probs;
    }
    // Subtracting the largest first keeps a tiny temperature finite: argmax, never NaN.
    var max = -Infinity;
    for (i = 0; i < n; i++) max = Math.max(max, logProbs[i]);
    var sum = 0;
    for (i = 0; i < n; i++) { probs[i] = Math.exp((logProbs[i] - max) / temperature); sum += probs[i]; }
    for (i = 0; i < n; i++) probs[i] /= sum;
    return probs;
  }

  function draw(probs, rng) {
    var u = rng.next(), cumulative = 0, last = 0;
    for (var i = 0; i < probs.length; i++) {
      if (probs[i] <= 0) continue;
      cumulative += probs[i];
      last = i;
      if (u < cumulative) return i;
    }
    return last;
  }

  /** The same layers as the loaded model, stateful with batch size 1, holding its weights. */
  function buildStateful(tf, base, info) {
    var keras = info.keras;
    if (!keras || typeof keras.layer !== 'string' || !Object.prototype.hasOwnProperty.call(tf.layers, keras.layer) || typeof tf.layers[keras.layer] !== 'function') {
      throw new Error('vocab.json does not name the model\'s recurrent layer: export the checkpoint again with charnn export');
    }
    var zeros = { kernelInitializer: 'zeros', recurrentInitializer: 'zeros' };
    var model = tf.sequential();
    model.add(tf.layers.embedding({ inputDim: info.vocabSize, outputDim: info.embedding, batchInputShape: [1, null], embeddingsInitializer: 'zeros' }));
    for (var l = 0; l < info.layers; l++) {
      var config = Object.assign({}, keras.options, { units: info.hidden, returnSequences: true, stateful: true }, zeros);
      model.add(tf.layers[keras.layer](config));
    }
    model.add(tf.layers.dense({ units: info.vocabSize, kernelInitializer: 'zeros' }));
    model.setWeights(base.getWeights());
    return model;
  }

  function normalize(info, text) {
    return info.normalization === 'none' ? text : text.normalize(info.normalization.toUpperCase());
  }

  /** Ids of a text; characters the model does not know are listed in 'missing'. */
  function encode(info, text) {
    var index = {}, ids = [], missing = [];
    info.chars.forEach(function (c, i) { index[c] = i; });
    Array.from(normalize(info, text)).forEach(function (c) {
      if (Object.prototype.hasOwnProperty.call(index, c)) ids.push(index[c]);
      else if (missing.indexOf(c) < 0) missing.push(c);
    });
    return { ids: ids, missing: missing };
  }

  /** Logits after feeding 'ids' to the stateful model (its state moves on). */
  function feed(tf, model, ids) {
    return tf.tidy(function () {
      var out = model.predict(tf.tensor2d([ids], [1, ids.length], 'int32'));
      // tf.slice, not out.slice: the page's TF.js registers no chained ops.
      return tf.slice(out, [0, ids.length - 1, 0], [1, 1, -1]).dataSync();
    });
  }

  /**
   * Generates 'length' characters after 'prime'. onText(textSoFar) is
   * awaited every few characters; shouldStop() ends early.
   */
  async function generate(tf, model, info, options, onText) {
    var encoded = encode(info, options.prime || '');
    if (encoded.missing.length > 0) throw new Error('the prime has characters the model never saw: ' + encoded.missing.map(function (c) { return JSON.stringify(c); }).join(' '));
    var ids = encoded.ids.length > 0 ? encoded.ids : [info.startId];
    var rng = new Rng(sampleSeed(options.seed >>> 0, 0, 0));
    model.resetStates();
    var logits = feed(tf, model, ids);
    var text = '';
    for (var step = 0; step < options.length; step++) {
      if (options.shouldStop && options.shouldStop()) break;
      var id = draw(distribution(logSoftmax(logits), options.temperature), rng);
      text += info.chars[id];
      if (onText && step % 8 === 7) await onText(text);
      if (step + 1 < options.length) logits = feed(tf, model, [id]);
    }
    if (onText) await onText(text);
    return text;
  }

  return { Rng: Rng, sampleSeed: sampleSeed, logSoftmax: logSoftmax, distribution: distribution, draw: draw,
    buildStateful: buildStateful, encode: encode, feed: feed, generate: generate };
})();
`;

/** Browser glue: loading, the controls, URL parameters, status and title. */
const PAGE_MAIN = String.raw`
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var baseTitle = document.title;
  var model = null, info = null, running = false, stopRequested = false;

  function status(text) { $('status').textContent = text; }
  function fail(error) {
    var message = (error && error.message) || String(error);
    status('error: ' + message);
    document.body.setAttribute('data-state', 'error');
    document.title = 'error \u2014 ' + baseTitle;
    $('generate').disabled = !model;
    running = false;
  }
  function showTemperature() { $('temperature-value').textContent = Number($('temperature').value).toFixed(2); }

  async function run() {
    if (!model || running) return;
    running = true;
    stopRequested = false;
    $('generate').disabled = true;
    $('stop').disabled = false;
    document.body.setAttribute('data-state', 'generating');
    document.title = 'generating\u2026 \u2014 ' + baseTitle;
    var seedText = $('seed').value.trim();
    var seed = seedText === '' ? Math.floor(Math.random() * 2147483648) : Number(seedText) >>> 0;
    var prime = $('prime').value;
    $('prime-echo').textContent = prime;
    $('sample').textContent = '';
    var started = performance.now();
    try {
      var text = await charnn.generate(tf, model, info, {
        prime: prime,
        length: Math.max(1, Math.min(100000, Number($('length').value) || 500)),
        temperature: Number($('temperature').value),
        seed: seed,
        shouldStop: function () { return stopRequested; },
      }, function (soFar) {
        $('sample').textContent = soFar;
        return new Promise(function (resolve) { setTimeout(resolve, 0); });
      });
      var seconds = (performance.now() - started) / 1000;
      status(Array.from(text).length + ' characters in ' + seconds.toFixed(1) + ' s (seed ' + seed + ', temperature ' + Number($('temperature').value).toFixed(2) + ')');
      document.body.setAttribute('data-state', 'done');
      document.title = 'done \u2014 ' + baseTitle;
    } catch (error) {
      fail(error);
    }
    running = false;
    $('generate').disabled = false;
    $('stop').disabled = true;
  }

  async function load() {
    if (location.protocol === 'file:') throw new Error('browsers do not let a page loaded from a file read model.json; serve this directory, e.g. npx http-server or python3 -m http.server, and open it over http://');
    if (typeof tf === 'undefined') throw new Error('tf.min.js did not load (it must sit next to index.html)');
    var backend = params.get('backend') || 'cpu';
    if (!(await tf.setBackend(backend))) throw new Error('the TF.js backend ' + backend + ' is not available');
    await tf.ready();
    var response = await fetch('vocab.json');
    if (!response.ok) throw new Error('cannot load vocab.json (HTTP ' + response.status + ')');
    info = await response.json();
    var base = await tf.loadLayersModel('model.json');
    model = charnn.buildStateful(tf, base, info);
    base.dispose();
    $('model').textContent = info.model + ', ' + info.chars.length + ' characters, trained ' + info.step + ' steps' +
      (info.bestValLoss === null ? '' : ', validation loss ' + info.bestValLoss.toFixed(3) + ' nats/char');
  }

  ['prime', 'temperature', 'length', 'seed'].forEach(function (name) {
    if (params.has(name)) $(name).value = params.get(name);
  });
  showTemperature();
  $('temperature').addEventListener('input', showTemperature);
  $('generate').addEventListener('click', function () { run(); });
  $('stop').addEventListener('click', function () { stopRequested = true; });
  status('loading the model\u2026');
  load().then(function () {
    status('ready on TF.js ' + tf.version_core + ' (' + tf.getBackend() + ')');
    document.body.setAttribute('data-state', 'ready');
    $('generate').disabled = false;
    if (params.has('autorun')) run();
  }, fail);
})();
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The complete index.html for an export. */
export function pageHtml(vocab: ExportVocab): string {
  const title = escapeHtml(`charnn · ${vocab.corpus} · ${vocab.model}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
  h1 { font-size: 1.3rem; margin-bottom: 0.2rem; }
  #model, #status { color: GrayText; font-size: 0.9rem; }
  form { display: grid; grid-template-columns: max-content 1fr; gap: 0.5rem 1rem; align-items: center; margin: 1rem 0; }
  textarea { font: inherit; font-family: ui-monospace, monospace; min-height: 3rem; }
  input[type=number] { width: 8rem; }
  .buttons { grid-column: 2; display: flex; gap: 0.5rem; }
  pre { white-space: pre-wrap; word-break: break-word; font-family: ui-monospace, monospace; padding: 1rem; border: 1px solid GrayText; border-radius: 4px; min-height: 10rem; }
  #prime-echo { font-weight: bold; }
</style>
</head>
<body data-state="loading">
<h1>${title}</h1>
<div id="model"></div>
<form onsubmit="return false">
  <label for="prime">Prime</label>
  <textarea id="prime" placeholder="text to continue (empty: start as after a line break)"></textarea>
  <label for="temperature">Temperature <span id="temperature-value"></span></label>
  <input id="temperature" type="range" min="0" max="2" step="0.05" value="${DEFAULT_SAMPLING.temperature}">
  <label for="length">Characters</label>
  <input id="length" type="number" min="1" max="100000" value="500">
  <label for="seed">Seed</label>
  <input id="seed" type="text" inputmode="numeric" placeholder="random">
  <div class="buttons"><button id="generate" type="button" disabled>Generate</button><button id="stop" type="button" disabled>Stop</button></div>
</form>
<div id="status"></div>
<pre id="output"><span id="prime-echo"></span><span id="sample"></span></pre>
<script src="tf.min.js"></script>
<script>${PAGE_SCRIPT}</script>
<script>${PAGE_MAIN}</script>
</body>
</html>
`;
}
