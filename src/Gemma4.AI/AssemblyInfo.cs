using System.Runtime.CompilerServices;

[assembly: CLSCompliant(false)]

// Our P/Invokes are source-generated (LibraryImport) and pass llama.cpp structs by value as they are.
[assembly: DisableRuntimeMarshalling]
