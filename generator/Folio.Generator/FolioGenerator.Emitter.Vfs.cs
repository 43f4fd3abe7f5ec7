using Folio.Generator.Model;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    internal static partial class Emitter
    {
        // The slots of sqlite3_vfs and of a main file's sqlite3_io_methods that the class's VFS
        // serves itself; the remaining VFS slots come from the platform VFS, and journals use the
        // runtime's own in-memory file methods. Each line: table, slot, native signature, call arguments.
        private static readonly (string Table, string Slot, string Parameters, string Arguments)[] Slots =
        {
            ("vfs", "Open", "global::Folio.Interop.sqlite3_vfs* vfs, byte* name, global::Folio.Interop.sqlite3_file* file, int flags, int* outFlags", "vfs, name, file, flags, outFlags"),
            ("vfs", "Delete", "global::Folio.Interop.sqlite3_vfs* vfs, byte* name, int syncDir", "vfs, name, syncDir"),
            ("vfs", "Access", "global::Folio.Interop.sqlite3_vfs* vfs, byte* name, int flags, int* result", "vfs, name, flags, result"),
            ("vfs", "FullPathname", "global::Folio.Interop.sqlite3_vfs* vfs, byte* name, int nOut, byte* zOut", "vfs, name, nOut, zOut"),
            ("io", "Close", "global::Folio.Interop.sqlite3_file* file", "file"),
            ("io", "Read", "global::Folio.Interop.sqlite3_file* file, void* buffer, int amount, long offset", "file, buffer, amount, offset"),
            ("io", "Write", "global::Folio.Interop.sqlite3_file* file, void* buffer, int amount, long offset", "file, buffer, amount, offset"),
            ("io", "Truncate", "global::Folio.Interop.sqlite3_file* file, long size", "file, size"),
            ("io", "Sync", "global::Folio.Interop.sqlite3_file* file, int flags", "file, flags"),
            ("io", "FileSize", "global::Folio.Interop.sqlite3_file* file, long* size", "file, size"),
            ("io", "Lock", "global::Folio.Interop.sqlite3_file* file, int level", "file, level"),
            ("io", "Unlock", "global::Folio.Interop.sqlite3_file* file, int level", "file, level"),
            ("io", "CheckReservedLock", "global::Folio.Interop.sqlite3_file* file, int* result", "file, result"),
            ("io", "FileControl", "global::Folio.Interop.sqlite3_file* file, int op, void* arg", "file, op, arg"),
            ("io", "SectorSize", "global::Folio.Interop.sqlite3_file* file", "file"),
            ("io", "DeviceCharacteristics", "global::Folio.Interop.sqlite3_file* file", "file"),
        };

        public static string VfsHintName(VfsSpec spec) => spec.FullName + ".Vfs.g.cs";

        /// <summary>
        /// The thunk table alone, for a class marked <c>[VfsThunks]</c>: the runtime's general VFS,
        /// which declares the <c>VfsName</c> and <c>PageSize</c> constants a database class would.
        /// </summary>
        public static string EmitVfsOnly(VfsSpec spec)
        {
            var w = new SourceWriter();
            OpenClass(w, spec.Namespace, spec.ContainingTypes, spec.ClassKeyword, spec.ClassName, "");
            EmitVfs(w, spec.Implementation);
            CloseClass(w, spec.Namespace, spec.ContainingTypes);
            return w.ToString();
        }

        /// <summary>The nested class of thunks forwarding to <paramref name="impl"/>, a closed <c>PagedVfs&lt;TStore, TPageSize&gt;</c>.</summary>
        private static void EmitVfs(SourceWriter w, string impl)
        {
            w.Line("/// <summary>");
            w.Line($"/// The VFS of this class: SQLite calls these [UnmanagedCallersOnly] entry points, which cannot be");
            w.Line($"/// generic, and each forwards to Folio's implementation compiled for this store type and page size.");
            w.Line("/// It registers itself once, on first use, under <see cref=\"VfsName\"/>.");
            w.Line("/// </summary>");
            w.Line(GeneratedCode);
            w.Line(NonUserCode);
            w.Open("private static unsafe class __FolioVfs");
            w.Line("internal static readonly global::Folio.Vfs.VfsRegistration Registration;");
            w.Line();
            w.Line("// An explicit static constructor runs exactly once, thread-safely, on first use: the registration");
            w.Line("// happens when the first database of this class opens, as sqlite3_os_init would in a custom SQLite build.");
            w.Open("static __FolioVfs()");
            w.Open("var vfs = new global::Folio.Vfs.VfsMethods");
            foreach (var slot in Slots)
            {
                if (slot.Table == "vfs")
                {
                    w.Line($"x{slot.Slot} = &{slot.Slot},");
                }
            }
            w.Close(";");
            w.Open("var io = new global::Folio.Interop.sqlite3_io_methods");
            w.Line("iVersion = 1,");
            foreach (var slot in Slots)
            {
                if (slot.Table == "io")
                {
                    w.Line($"x{slot.Slot} = &{slot.Slot},");
                }
            }
            w.Close(";");
            w.Line("Registration = global::Folio.Vfs.VfsRegistration.Register(VfsName, PageSize, vfs, io);");
            w.Close();
            foreach (var slot in Slots)
            {
                w.Line();
                w.Line("[global::System.Runtime.InteropServices.UnmanagedCallersOnly]");
                w.Line($"private static int {slot.Slot}({slot.Parameters}) =>");
                w.Indent();
                w.Line($"{impl}.{slot.Slot}({slot.Arguments});");
                w.Outdent();
            }
            w.Close();
        }
    }
}
