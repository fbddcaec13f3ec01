import { IdParams, PageQuery, pageOf } from '../../../src-shared/schemas/common';
import { CreateFolderInput, Folder, UpdateFolderInput } from '../../../src-shared/schemas/folders';
import type { FolderService } from '../../services/folders';
import { defineRoute, type Route } from '../route';

const TAG = 'Folders';

export function folderRoutes(folders: FolderService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/folders',
      operationId: 'listFolders',
      summary: 'List folders',
      tag: TAG,
      auth: 'read',
      query: PageQuery,
      success: { status: 200, description: 'A page of folders', schema: pageOf(Folder, 'FolderPage') },
      errors: ['INVALID_CURSOR'],
      handler: ({ query }) => ({ body: folders.list(query.limit, query.cursor) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/folders',
      operationId: 'createFolder',
      summary: 'Create a folder',
      tag: TAG,
      auth: 'write',
      body: CreateFolderInput,
      idempotent: true,
      success: { status: 201, description: 'The new folder', schema: Folder },
      handler: ({ body }) => {
        const folder = folders.create(body);
        return { status: 201, body: folder, headers: { Location: `/api/v1/folders/${folder.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/folders/:id',
      operationId: 'getFolder',
      summary: 'Get a folder',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The folder', schema: Folder },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: folders.get(params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/folders/:id',
      operationId: 'updateFolder',
      summary: 'Rename or recolour a folder',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      body: UpdateFolderInput,
      success: { status: 200, description: 'The changed folder', schema: Folder },
      errors: ['NOT_FOUND'],
      handler: ({ params, body }) => ({ body: folders.update(params.id, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/folders/:id',
      operationId: 'deleteFolder',
      summary: 'Delete a folder',
      description: 'Its codes stay in the library, in no folder.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      success: { status: 200, description: 'The deleted folder', schema: Folder },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: folders.remove(params.id) }),
    }),
  ];
}
