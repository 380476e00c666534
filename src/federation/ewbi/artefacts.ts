// EWBI wire schemas of artefact and file management (multipart uploads, reads, status callbacks).
import { Type, type Static } from 'typebox';
import {
  AppProviderId,
  ArtefactId,
  ArtefactName,
  CPUArchType,
  FileId,
  FileName,
  ObjectRepoLocation,
  OSType,
  RepoType,
  VirtImageType,
} from './common.js';
import { ComponentSpec } from './app.js';

export const VIRT_TYPES = ['VM_TYPE', 'CONTAINER_TYPE'] as const;
export const DESCRIPTOR_TYPES = ['HELM', 'TERRAFORM', 'ANSIBLE', 'SHELL', 'COMPONENTSPEC'] as const;

const artefactFields = {
  artefactId: ArtefactId,
  appProviderId: AppProviderId,
  artefactName: ArtefactName,
  artefactVersionInfo: Type.String(),
  artefactDescription: Type.Optional(Type.String({ maxLength: 256 })),
  artefactVirtType: Type.Enum([...VIRT_TYPES]),
  artefactFileName: Type.Optional(Type.String({ minLength: 8, maxLength: 32 })),
  artefactFileFormat: Type.Optional(Type.Enum(['WINZIP', 'TAR', 'TEXT', 'TARGZ'])),
  artefactDescriptorType: Type.Enum([...DESCRIPTOR_TYPES]),
  repoType: Type.Optional(RepoType),
  artefactRepoLocation: Type.Optional(ObjectRepoLocation),
};

/**
 * UploadArtefact form fields after decoding: object parts (componentSpec, artefactRepoLocation) are JSON
 * parts (ADR 0018); `artefactFile` is the binary part, kept out of this schema.
 */
export const UploadArtefactRequest = Type.Object({
  ...artefactFields,
  componentSpec: Type.Array(ComponentSpec, { minItems: 1 }),
});
export type UploadArtefactRequest = Static<typeof UploadArtefactRequest>;

/** GetArtefact response (componentSpec optional here). */
export const ArtefactDetails = Type.Object({
  ...artefactFields,
  componentSpec: Type.Optional(Type.Array(ComponentSpec, { minItems: 1 })),
});
export type ArtefactDetails = Static<typeof ArtefactDetails>;

const fileFields = {
  fileId: FileId,
  appProviderId: AppProviderId,
  fileName: FileName,
  fileDescription: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
  fileVersionInfo: Type.String(),
  fileType: VirtImageType,
  checksum: Type.Optional(Type.String()),
  imgOSType: OSType,
  imgInsSetArch: CPUArchType,
  repoType: Type.Optional(RepoType),
  fileRepoLocation: Type.Optional(ObjectRepoLocation),
};

/** UploadFile form fields after decoding (the binary `file` part kept out). */
export const UploadFileRequest = Type.Object(fileFields);
export type UploadFileRequest = Static<typeof UploadFileRequest>;

/** ViewFile response. */
export const FileDetails = Type.Object(fileFields);
export type FileDetails = Static<typeof FileDetails>;

export const UPDATE_STATUSES = ['PENDING', 'ERROR', 'READY', 'UNKNOWN'] as const;

export const ArtefactStatusNotification = Type.Object({
  artefactId: ArtefactId,
  updateStatus: Type.Enum([...UPDATE_STATUSES]),
});
export type ArtefactStatusNotification = Static<typeof ArtefactStatusNotification>;

export const FileStatusNotification = Type.Object({
  fileId: FileId,
  updateStatus: Type.Enum([...UPDATE_STATUSES]),
});
export type FileStatusNotification = Static<typeof FileStatusNotification>;
