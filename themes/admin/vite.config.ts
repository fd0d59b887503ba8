import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Keycloak's AdminConsole renders the parent theme's index.ftl and finds our entry script and styles through
// the Vite manifest in the theme's resources (.vite/manifest.json), so the build writes one.
export default defineConfig({
  base: "",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: "src/main.tsx",
      // One file: the admin-ui package lazy-loads its pages, and split chunks would be preloaded from paths
      // that Keycloak's theme resource URLs do not serve.
      output: { inlineDynamicImports: true },
    },
  },
});
