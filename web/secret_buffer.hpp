// Wiping what a secret request body leaves in the connection's read buffer (an opened
// opening-key share: RouteInfo::secret_body). Beast's parser reads the body through the
// session's flat_buffer and copies it into the message; the consumed bytes stay in the
// buffer's storage until later reads overwrite them. Used by web/server.cpp.
#pragma once

#include <openssl/crypto.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <string>

namespace procura::web {

// Overwrites every byte of buffer's storage with zeros and keeps its unread bytes (the start
// of a pipelined next request, if any), moved back to the front.
inline void wipe_read_buffer(boost::beast::flat_buffer& buffer) {
    std::string unread = boost::beast::buffers_to_string(buffer.data());
    // Consuming everything puts the buffer's input and output at the start of its storage, so
    // the whole storage can be prepared (no reallocation: it fits the capacity) and wiped.
    buffer.consume(buffer.size());
    const auto storage = buffer.prepare(buffer.capacity());
    OPENSSL_cleanse(storage.data(), storage.size());
    if (!unread.empty()) {
        buffer.commit(
            boost::asio::buffer_copy(buffer.prepare(unread.size()), boost::asio::buffer(unread)));
        OPENSSL_cleanse(unread.data(), unread.size());
    }
}

}  // namespace procura::web
