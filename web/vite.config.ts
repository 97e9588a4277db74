/// <reference types="vitest/config" />
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig(({ mode }) => {
  // The dev server proxies /api to the backend from `telehealth serve`, or to
  // TELEHEALTH_BACKEND_ORIGIN when set. The backend's development certificate
  // is self-signed, so the proxy does not verify it (`secure: false`).
  const env = loadEnv(mode, '.', 'TELEHEALTH_');
  const backendOrigin = env.TELEHEALTH_BACKEND_ORIGIN ?? 'https://127.0.0.1:8443';

  return {
    plugins: [react()],
    server: {
      proxy: {
        '/api': {
          target: backendOrigin,
          secure: false,
          changeOrigin: true,
          ws: true,
          // The backend rejects a state-changing request or a WebSocket
          // upgrade whose Origin is not its own, and the browser sends the dev
          // server's origin. Rewriting it is safe only because the dev server
          // listens on localhost; production serves the app and the API from
          // one origin.
          rewriteWsOrigin: true,
          configure(proxy) {
            proxy.on('proxyReq', (proxyRequest) => {
              if (proxyRequest.getHeader('origin')) {
                proxyRequest.setHeader('origin', backendOrigin);
              }
            });
          },
        },
      },
    },
    build: {
      outDir: 'dist',
    },
    test: {
      environment: 'node',
      include: ['src/**/*.test.ts'],
    },
  };
});
