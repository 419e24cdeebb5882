// @vitest-environment node
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { expect, it } from 'vitest';
import { OPTIONS } from '../support/fake-session';
import Voice from './fixtures/Voice.vue';

it('renders on the server (Nuxt-style SSR) without touching a browser API', async () => {
  expect(typeof window).toBe('undefined');
  const html = await renderToString(createSSRApp({ render: () => h(Voice, { source: OPTIONS }) }));
  expect(html).toContain('disconnected');
  expect(html).toContain('<button');
});
