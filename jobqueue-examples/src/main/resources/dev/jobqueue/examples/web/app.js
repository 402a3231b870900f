// The example page. Job text and server data are inserted with textContent only.
(() => {
  'use strict';
  const $ = (sel) => document.querySelector(sel);
  const state = { analyzers: [], imageId: null, imageName: '' };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      node.setAttribute(k, String(v));
    }
    children.filter((c) => c !== null && c !== undefined).forEach((c) => node.append(c));
    return node;
  }

  function notice(text, isError) {
    const n = $('[data-testid="notice"]');
    n.textContent = text;
    n.classList.toggle('error', Boolean(isError));
    n.hidden = !text;
  }

  async function api(method, url, body, headers) {
    const init = { method, credentials: 'same-origin', headers: Object.assign({ Accept: 'application/json' }, headers || {}) };
    if (body instanceof Blob || body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(url, init);
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error(data && data.error ? data.error : 'HTTP ' + response.status);
    }
    return data;
  }

  async function loadImages() {
    const images = await api('GET', '/api/images');
    const list = $('#images');
    list.replaceChildren(...images.map((img) => {
      const preview = el('img', { alt: '', loading: 'lazy' });
      preview.src = img.url;
      const analyze = el('button', { type: 'button', class: 'button', 'data-testid': 'analyze-button' }, 'Analyze…');
      analyze.addEventListener('click', () => openAnalyze(img));
      const name = el('span', { class: 'name' });
      name.textContent = img.name;
      const meta = el('span', { class: 'meta' });
      meta.textContent = img.width + '×' + img.height + ' · ' + Math.max(1, Math.round(img.size / 1024)) + ' KB';
      const card = el('li', { class: 'card', 'data-testid': 'image-card', 'data-image-id': img.image_id }, preview,
        el('div', { class: 'body' }, name, meta, analyze));
      return card;
    }));
    $('#images-empty').hidden = images.length > 0;
  }

  async function loadPresets() {
    const presets = await api('GET', '/api/presets');
    const list = $('#presets');
    list.replaceChildren(...presets.map((p) => {
      let preview;
      if (p.thumbnail_url) {
        preview = el('img', { alt: '', 'data-testid': 'preset-thumbnail' });
        preview.src = p.thumbnail_url + '?v=' + encodeURIComponent(p.created_at);
      } else {
        preview = el('div', { class: 'placeholder' });
        preview.textContent = 'preview pending…';
      }
      const name = el('span', { class: 'name' });
      name.textContent = p.name;
      const summary = el('span', { class: 'meta' });
      summary.textContent = p.summary;
      // the app renders this preview itself and reports it through the tracker API
      const rerender = el('button', { type: 'button', class: 'button', 'data-testid': 'rerender-preview' }, 'Re-render preview');
      rerender.addEventListener('click', () => {
        api('POST', '/api/presets/' + encodeURIComponent(p.preset_id) + '/thumbnail?async=true', { pace_ms: 300 })
          .catch((e) => notice('Could not re-render the preview: ' + e.message, true));
      });
      return el('li', { class: 'card', 'data-testid': 'preset-card', 'data-preset-id': p.preset_id }, preview,
        el('div', { class: 'body' }, name, summary, rerender));
    }));
    $('#presets-empty').hidden = presets.length > 0;
  }

  async function upload(file) {
    notice('Uploading ' + file.name + '…');
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const image = await api('POST', '/api/images', form);
      notice('');
      await loadImages();
      openAnalyze(image);
    } catch (e) {
      notice('Upload failed: ' + e.message, true);
    }
  }

  function openAnalyze(image) {
    state.imageId = image.image_id;
    $('#analyze-image-name').textContent = image.name;
    $('#analyze-dialog').showModal();
  }

  function renderAnalyzers() {
    $('#analyzer-list').replaceChildren(...state.analyzers.map((a, i) => {
      const box = el('input', { type: 'checkbox', name: 'analysis', value: a.name, 'data-testid': 'analysis-' + a.name });
      box.checked = i === 0;
      const label = el('label', {}, box, ' ' + a.label);
      const hint = el('small', {});
      hint.textContent = a.description;
      label.append(hint);
      return label;
    }));
  }

  async function runAnalyses() {
    const selected = Array.from(document.querySelectorAll('input[name="analysis"]:checked')).map((b) => b.value);
    const options = {
      image_id: state.imageId,
      pace_ms: Number($('#pace').value),
      fail_first_attempts: $('#simulate-failure').checked ? 1 : 0,
      fail_thumbnail: $('#fail-thumbnail').checked,
    };
    if (selected.length === 0) {
      notice('Select at least one analysis.', true);
      return;
    }
    try {
      if (selected.length === 1) {
        await api('POST', '/api/analyze/' + encodeURIComponent(selected[0]) + '?async=true', options);
      } else {
        const analyses = {};
        selected.forEach((s) => { analyses[s] = true; });
        await api('POST', '/api/analyze/comprehensive?async=true', Object.assign({ analyses }, options));
      }
    } catch (e) {
      notice('Could not start the analysis: ' + e.message, true);
    }
  }

  async function runGenerate() {
    const body = {
      prompt: $('#prompt').value,
      width: Number($('#width').value),
      height: Number($('#height').value),
      priority: Number($('#priority').value),
    };
    try {
      await api('POST', '/api/generate?async=true', body);
    } catch (e) {
      notice('Could not start the generation: ' + e.message, true);
    }
  }

  document.addEventListener('DOMContentLoaded', async () => {
    $('#upload-input').addEventListener('change', (e) => {
      const file = e.target.files[0];
      if (file) {
        upload(file);
      }
      e.target.value = '';
    });
    // The dialogs close at once; the work continues in the background (see the task manager).
    $('#analyze-form').addEventListener('submit', () => { runAnalyses(); });
    $('#generate-form').addEventListener('submit', () => { runGenerate(); });
    $('#cancel-analyze').addEventListener('click', () => $('#analyze-dialog').close());
    $('#cancel-generate').addEventListener('click', () => $('#generate-dialog').close());
    $('#open-generate').addEventListener('click', () => $('#generate-dialog').showModal());
    $('#select-all').addEventListener('click', () => {
      document.querySelectorAll('input[name="analysis"]').forEach((b) => { b.checked = true; });
    });
    const manager = document.querySelector('job-task-manager');
    let refresh = null;
    manager.addEventListener('job-complete', (e) => {
      const type = e.detail.type;
      if (type === 'generate_image' || type === 'analyze' || type === 'generate_thumbnail' || type === 'comprehensive_analyze') {
        clearTimeout(refresh);
        refresh = setTimeout(() => {
          loadPresets().catch(() => {});
          if (type === 'generate_image') {
            loadImages().catch(() => {});
          }
        }, 150);
      }
    });
    try {
      state.analyzers = await api('GET', '/api/analyzers');
      renderAnalyzers();
      await Promise.all([loadImages(), loadPresets()]);
    } catch (e) {
      notice('Could not load the page data: ' + e.message, true);
    }
  });
})();
