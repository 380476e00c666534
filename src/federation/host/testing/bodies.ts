// Tests only: valid EWBI request bodies for a small HTTP service run with the process runtime.
import type {
  InstallAppRequest,
  OnboardApplicationRequest,
  UploadArtefactRequest,
  UploadFileRequest,
} from '../../ewbi/index.js';

const SERVER =
  "require('http').createServer((q,r)=>r.end('hello from partner')).listen(Number(process.env.PORT),'127.0.0.1');" +
  "process.on('SIGTERM',()=>process.exit(0));";

export const fileBody = (fileId: string): UploadFileRequest => ({
  fileId,
  appProviderId: 'prov-a',
  fileName: 'hello',
  fileVersionInfo: '1',
  fileType: 'DOCKER',
  imgOSType: {
    architecture: 'x86_64',
    distribution: 'UBUNTU',
    version: 'OS_VERSION_UBUNTU_2204_LTS',
    license: 'OS_LICENSE_TYPE_FREE',
  },
  imgInsSetArch: 'ISA_X86_64',
  repoType: 'PUBLICREPO',
  fileRepoLocation: { repoURL: `process:${process.execPath}` },
});

export const artefactBody = (artefactId: string, fileId: string): UploadArtefactRequest => ({
  artefactId,
  appProviderId: 'prov-a',
  artefactName: 'hello',
  artefactVersionInfo: '1',
  artefactVirtType: 'CONTAINER_TYPE',
  artefactDescriptorType: 'COMPONENTSPEC',
  componentSpec: [
    {
      componentName: 'web',
      images: [fileId],
      numOfInstances: 1,
      restartPolicy: 'RESTART_POLICY_ALWAYS',
      commandLineParams: { command: ['node'], commandArgs: ['-e', SERVER] },
      exposedInterfaces: [
        { interfaceId: 'http', commProtocol: 'HTTP_HTTPS', commPort: 8080, visibilityType: 'VISIBILITY_EXTERNAL' },
      ],
      computeResourceProfile: { cpuArchType: 'ISA_X86_64', numCPU: '250m', memory: 128 },
    },
  ],
});

export const onboardBody = (
  appId: string,
  artefactId: string,
  zone: string,
  link: string,
): OnboardApplicationRequest => ({
  appId,
  appProviderId: 'prov-a',
  appDeploymentZones: [zone],
  appMetaData: { appName: 'hello', version: '1', accessToken: 'access-token-1234' },
  appQoSProfile: { latencyConstraints: 'NONE' },
  appComponentSpecs: [{ componentName: 'web', artefactId }],
  appStatusCallbackLink: link,
});

export const installBody = (appInstanceId: string, appId: string, zone: string, link: string): InstallAppRequest => ({
  appInstanceId,
  appId,
  appVersion: '1',
  appProviderId: 'prov-a',
  zoneInfo: { zoneId: zone, flavourId: 'small' },
  appInstCallbackLink: link,
});
