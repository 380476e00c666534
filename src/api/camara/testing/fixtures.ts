// Tests only: a valid CAMARA AppManifest (a process app) with overrides.

/** A valid AppManifest; `file://` image paths run as processes. */
export const manifest = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'camera_analytics',
  appProvider: 'acme_video_ltd',
  version: '1.0.0',
  packageType: 'CONTAINER',
  appRepo: { type: 'PUBLICREPO', imagePath: 'file:///usr/bin/true' },
  requiredResources: { infraKind: 'container', numCPU: '0.5', memory: 256 },
  componentSpec: [
    {
      componentName: 'analytics',
      networkInterfaces: [
        { interfaceId: 'http_api', protocol: 'TCP', port: 8080, visibilityType: 'VISIBILITY_EXTERNAL' },
      ],
    },
  ],
  ...over,
});
